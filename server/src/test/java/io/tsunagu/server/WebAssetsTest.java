package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.server.testing.NodeTests;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.testing.TestRedis;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The files the server ships — the tag at /tag.js, the demo shop under /demo/ (only when switched on)
 * — and the tag's own unit tests (client-js/test, Node's test runner), one JUnit test per case.
 */
class WebAssetsTest {

    static ServerHarness shop;
    static ServerHarness plain;

    @BeforeAll
    static void start() {
        shop = ServerHarness.start(TestRedis.shared().url(), TestRedis.prefix(), ServerHarness.copyOfExampleRules(),
                Map.of("TSUNAGU_DEMO_SHOP", "true"));
        plain = ServerHarness.start();
    }

    @AfterAll
    static void stop() {
        shop.close();
        plain.close();
    }

    @Test
    void theTag_isServedAsTheClientJsFile_gzippedUnder5kb_andCachedByEtag() throws IOException {
        byte[] source = Files.readAllBytes(ServerHarness.repoRoot().resolve("client-js/tsunagu.js"));
        HttpResponse<byte[]> r = getBytes(plain, "/tag.js", Map.of("Accept-Encoding", "gzip"));
        assertEquals(200, r.statusCode());
        assertEquals("text/javascript; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(null));
        assertTrue(r.body().length < 5 * 1024, "gzipped size " + r.body().length);
        assertArrayEquals(source, new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes());
        assertEquals("public, max-age=300", r.headers().firstValue("Cache-Control").orElse(null));

        HttpResponse<byte[]> unzipped = getBytes(plain, "/tag.js", Map.of());
        assertArrayEquals(source, unzipped.body(), "a client without gzip gets the file as it is");
        String etag = r.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = getBytes(plain, "/tag.js", Map.of("If-None-Match", etag));
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
    }

    @Test
    void theDemoShop_isOffUnlessSwitchedOn_becauseItsLoginSignsAnyMemberId() {
        HttpResponse<String> r = plain.post("/demo/api/login", "{\"uid\":\"M-1002\"}");
        assertEquals(404, r.statusCode());
        assertEquals("not_found", json(r.body()).get("error").asText());
        assertEquals(404, plain.get("/demo/", null).statusCode());
    }

    @Test
    void theDemoShop_servesItsPageOnEveryPath_andSignsMemberIdsWithTheSiteSecret() {
        for (String path : List.of("/demo/", "/demo/products/K-100", "/demo/login")) {
            HttpResponse<String> page = shop.get(path, null);
            assertEquals(200, page.statusCode(), path);
            assertTrue(page.body().contains("data-tsunagu-slot=\"hero\""), path);
        }
        HttpResponse<String> login = shop.post("/demo/api/login", "{\"uid\":\"M-1002\"}");
        assertEquals(200, login.statusCode(), login.body());
        assertEquals(shop.sign("M-1002"), json(login.body()).get("uid_sig").asText());
        HttpResponse<String> members = shop.get("/demo/api/members", null);
        assertEquals("M-1002", json(members.body()).get("members").get(0).get("uid").asText());
    }

    @Test
    void theDemoShop_page_cannotBeFramed_andRunsOnlyItsOwnScripts() throws Exception {
        HttpResponse<String> page = shop.get("/demo/products/K-100", null);
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"), csp);
        // The tag's snippet is the one inline script the policy lets run: by its hash, not 'unsafe-inline'.
        String body = page.body();
        String snippet = body.substring(body.indexOf("<script>") + "<script>".length(), body.indexOf("</script>"));
        String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(snippet.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(csp.contains("script-src 'self' 'sha256-" + hash + "';"), csp);
    }

    @Test
    void theDemoShop_answersBadInputWithJson4xx() {
        HttpResponse<String> noUid = shop.post("/demo/api/login", "{\"user\":\"M-1002\"}");
        assertEquals(400, noUid.statusCode());
        assertEquals("bad_request", json(noUid.body()).get("error").asText());
        assertEquals(400, shop.post("/demo/api/login", "{\"uid\":\"<script>\"}").statusCode());
        assertEquals(400, shop.post("/demo/api/login", "{not json").statusCode());
        HttpResponse<String> missing = shop.get("/demo/api/products/NO-SUCH", null);
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", json(missing.body()).get("error").asText());
        assertEquals(404, shop.get("/demo/assets/..%2F..%2Fsimplelogger.properties", null).statusCode());
        assertEquals(400, shop.get("/demo/api/products?limit=0", null).statusCode());
    }

    @TestFactory
    Stream<DynamicTest> theTagsUnitTests() {
        NodeTests.Run run = NodeTests.run("client-js", "test/", Map.of(), Duration.ofMinutes(2));
        Stream<DynamicTest> ran = Stream.of(DynamicTest.dynamicTest("the unit tests ran", () -> {
            assertTrue(run.cases().size() >= 5, "cases:\n" + run.output());
            assertEquals(0, run.exitCode(), run.output());
        }));
        return Stream.concat(ran, run.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertTrue(c.passed(), c.details()))));
    }

    private static HttpResponse<byte[]> getBytes(ServerHarness h, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).timeout(Duration.ofSeconds(10)).GET();
        headers.forEach(b::header);
        try {
            return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
