package io.tsunagu.loader;

import static io.tsunagu.server.testing.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.testing.TestRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./tsunagu demo} as a user runs it: a private Redis, the demo retailer's exports written and
 * imported by the loader, the example rules, the demo members. (In the loader module: the demo needs
 * both the server and the loader built.)
 */
class DemoIT {

    @Test
    void demo_serves_theCouponToTheDemoMember_andStopsCleanly() throws Exception {
        Path root = ServerHarness.repoRoot();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = TestRedis.tempDir("tsunagu-demo");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("tsunagu").toString(), "demo").directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().put("TSUNAGU_NO_BUILD", "1");
        pb.environment().put("TSUNAGU_PORT", Integer.toString(port));
        pb.environment().put("TSUNAGU_DATA_DIR", data.toString());
        Process demo = pb.start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String sig = null;
            String token = null;
            String line;
            long deadline = System.currentTimeMillis() + 60_000;
            while ((line = out.readLine()) != null && System.currentTimeMillis() < deadline) {
                output.add(line);
                Matcher m = Pattern.compile("\"uid\":\"M-1002\",\"uid_sig\":\"([0-9a-f]{64})\"").matcher(line);
                if (m.find()) {
                    sig = m.group(1);
                }
                Matcher t = Pattern.compile("admin token: (\\S+)").matcher(line);
                if (t.find()) {
                    token = t.group(1);
                }
                if (line.startsWith("Press Ctrl-C")) {
                    break;
                }
            }
            assertTrue(sig != null, "the demo printed how to call it:\n" + String.join("\n", output));

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/decide"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"vid\":\"v-demo\",\"uid\":\"M-1002\",\"uid_sig\":\"" + sig
                            + "\",\"page\":{\"type\":\"product\",\"product_id\":\"P-0001\",\"brand\":\"kumo\"},"
                            + "\"slots\":[\"hero\",\"recommendations\",\"complements\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode decisions = json(r.body()).get("decisions");
            assertEquals("shibuya-store-coupon", decisions.get(0).get("campaign").asText(), r.body());
            assertEquals("same-brand-new-arrivals", decisions.get(1).get("campaign").asText(), r.body());
            assertTrue(decisions.get(1).get("content").get("items").size() > 0, r.body());
            assertEquals("goes-well-with", decisions.get(2).get("campaign").asText(), r.body());
            assertTrue(decisions.get(2).get("content").get("items").size() > 0, "build-recs ran after the import: " + r.body());
            assertTrue(Files.exists(data.resolve("redis/appendonly.aof")), "Redis keeps an append-only file in the data dir");

            // The demo retailer's nightly exports were imported and archived.
            assertTrue(Files.exists(data.resolve("demo-inbox/archive")), String.join("\n", output));
            try (var archived = Files.list(data.resolve("demo-inbox/archive"))) {
                assertEquals(9, archived.filter(p -> p.toString().endsWith(".csv")).count(), "nine feeds' files");
            }
            HttpResponse<String> imports = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/admin/v1/imports")).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode runs = json(imports.body()).get("imports");
            assertEquals(9, runs.size(), imports.body());
            for (JsonNode run : runs) {
                assertEquals("imported", run.get("status").asText(), run.toString());
            }
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
        Thread.sleep(500);
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(data.toString()))
                .findAny().ifPresent(p -> {
                    throw new AssertionError("left a process behind: " + p.info().commandLine().orElse(""));
                });
    }
}
