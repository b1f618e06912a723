package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.server.TsunaguServer;
import io.tsunagu.server.config.ConfigLoader;
import io.tsunagu.server.testing.Http;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without a Redis URL the loader writes to the server's private Redis, found through the data
 * directory — or starts it there when no server runs, and stops it when done.
 */
class EmbeddedRedisTest {

    static final String VISIT = "visit_id,member_id,visited_at,store\nV1,M-77,2026-11-20T10:00:00Z,shibuya\n";

    int loader(Path data, Path dir, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--feeds", dir.resolve("feeds.yaml").toString(), "--data-dir", data.toString(), "--rules",
                ServerHarness.repoRoot().resolve("examples/rules").toString()));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        return new LoaderCli(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(o, true, StandardCharsets.UTF_8),
                Map.of()).run(all.toArray(String[]::new));
    }

    @Test
    void withNoServerRunning_theLoaderStartsTheRedis_andStopsItWhenDone_keepingTheData() throws Exception {
        Path data = TestRedis.tempDir("tsunagu-data");
        Path dir = TestRedis.tempDir("tsunagu-feeds");
        Files.writeString(dir.resolve("feeds.yaml"), LoaderImportTest.FEEDS);
        Files.writeString(dir.resolve("visits_1.csv"), VISIT);

        assertEquals(0, loader(data, dir, "import", "visits", dir.resolve("visits_1.csv").toString()));
        assertFalse(Files.exists(data.resolve("redis/redis.port")), "stopped: nobody else was using it");
        assertTrue(Files.size(data.resolve("redis/appendonly.aof")) > 0, "the data is on disk");

        // A server started later on the same data directory sees what was imported.
        try (Server s = new Server(data)) {
            String body = s.adminGet("/admin/v1/profiles/M-77");
            assertTrue(body.contains("\"store_visit\"") && body.contains("shibuya"), body);
        }
    }

    @Test
    void withAServerRunning_theLoaderUsesItsRedis_andLeavesItRunning() throws Exception {
        Path data = TestRedis.tempDir("tsunagu-data");
        Path dir = TestRedis.tempDir("tsunagu-feeds");
        Files.writeString(dir.resolve("feeds.yaml"), LoaderImportTest.FEEDS);
        Files.writeString(dir.resolve("visits_1.csv"), VISIT);
        try (Server s = new Server(data)) {
            int port = Integer.parseInt(Files.readString(data.resolve("redis/redis.port")).strip());
            assertEquals(0, loader(data, dir, "import", "visits", dir.resolve("visits_1.csv").toString()));
            assertEquals(port, Integer.parseInt(Files.readString(data.resolve("redis/redis.port")).strip()),
                    "the server's Redis, still running");
            Http.within(2_000, "the server seeing the visit", () -> s.adminGet("/admin/v1/profiles/M-77").contains("shibuya"));
        }
        assertFalse(Files.exists(data.resolve("redis/redis.port")), "the server, last out, stopped it");
    }

    /** A server on the embedded default (no Redis URL) with its data directory. */
    static final class Server implements AutoCloseable {
        final TsunaguServer server;
        final HttpClient http = HttpClient.newHttpClient();

        Server(Path data) throws Exception {
            Map<String, String> env = new HashMap<>();
            env.put("TSUNAGU_PORT", "0");
            env.put("TSUNAGU_HOST", "127.0.0.1");
            env.put("TSUNAGU_DATA_DIR", data.toString());
            env.put("TSUNAGU_RULES_DIR", ServerHarness.copyOfExampleRules().toString());
            env.put("TSUNAGU_ADMIN_TOKEN", ServerHarness.ADMIN);
            env.put("TSUNAGU_EVENT_LOOPS", "1");
            server = TsunaguServer.start(ConfigLoader.load(null, env));
        }

        String adminGet(String path) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header("Authorization", "Bearer " + ServerHarness.ADMIN).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            server.stop();
        }
    }
}
