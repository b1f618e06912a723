package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static io.tsunagu.server.testing.Http.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.RedisProcess;
import io.tsunagu.store.testing.TestRedis;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped in the middle: decisions keep coming (from an empty profile, fast, never a 5xx),
 * events are buffered, /ready says so; when Redis returns the buffer is written, each event once.
 */
class RedisOutageTest {

    static long pageViews(ServerHarness h, String id) {
        HttpResponse<String> r = h.get("/admin/v1/profiles/" + id + "?limit=1000", ServerHarness.ADMIN);
        if (r.statusCode() != 200) {
            return -1;
        }
        long n = 0;
        for (JsonNode e : json(r.body()).get("events")) {
            n += e.get("type").asText().equals("page_view") ? 1 : 0;
        }
        return n;
    }

    @Test
    void redisDown_decisionsFailOpen_eventsBuffer_andReplayOnceWhenItReturns() {
        RedisProcess redis = TestRedis.start();
        try (ServerHarness h = ServerHarness.start(redis.url(), TestRedis.prefix(), ServerHarness.copyOfExampleRules(),
                Map.of("TSUNAGU_REDIS_TIMEOUT", "50ms"))) {
            h.seedCatalog(List.of(Map.of("id", "P-1", "category", "knit", "launched_at", "2026-11-01")));
            String decide = "{\"vid\":\"V-out\",\"id\":\"PV-%d\",\"page\":{\"type\":\"home\"},\"slots\":[\"hero\",\"recommendations\"]}";
            assertEquals(200, h.post("/v1/decide", decide.formatted(1)).statusCode());
            within(2_000, "first view stored", () -> pageViews(h, "~V-out") == 1);

            redis.stop();
            for (int i = 2; i <= 6; i++) {
                // A visitor whose profile is cached is served as usual: no Redis needed.
                HttpResponse<String> cached = h.post("/v1/decide", decide.formatted(i));
                assertEquals(200, cached.statusCode(), cached.body());
                assertTrue(json(cached.body()).get("degraded") == null, cached.body());
                // A visitor not in the cache gets an answer from an empty profile, fast.
                long start = System.nanoTime();
                HttpResponse<String> r = h.post("/v1/decide", "{\"vid\":\"V-new-" + i + "\",\"slots\":[\"recommendations\"]}");
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, r.statusCode(), r.body());
                JsonNode body = json(r.body());
                assertTrue(body.get("degraded").asBoolean(), r.body());
                assertEquals("popular-in-category", body.get("decisions").get(0).get("campaign").asText());
                assertTrue(ms < 1_000, "answered in " + ms + " ms");
            }
            // A retried page view (same id) during the outage: buffered twice, stored once.
            assertEquals(200, h.post("/v1/decide", decide.formatted(6)).statusCode());
            assertEquals(503, h.get("/admin/v1/profiles/V-out", ServerHarness.ADMIN).statusCode());
            within(3_000, "/ready reports the outage", () -> h.get("/ready", null).statusCode() == 503
                    && json(h.get("/ready", null).body()).get("redis").asText().equals("down"));
            JsonNode ready = json(h.get("/ready", null).body());
            assertTrue(ready.get("buffered_events").asLong() >= 1, ready.toString());
            assertEquals(0, h.server.metrics().internalErrors.sum());

            long restart = System.nanoTime();
            redis = TestRedis.restart(redis);
            within(10_000, "/ready after Redis returns", () -> h.get("/ready", null).statusCode() == 200);
            within(5_000, "buffered views written", () -> pageViews(h, "~V-out") == 6);
            assertEquals(0, json(h.get("/ready", null).body()).get("buffered_events").asLong());
            assertTrue(h.server.metrics().eventsDuplicate.sum() >= 1, "the retried view was recognised");
            assertEquals(6, pageViews(h, "~V-out"));
            System.out.println("recovered " + (System.nanoTime() - restart) / 1_000_000 + " ms after Redis restarted");
        } finally {
            redis.stop();
        }
    }

    /** Sends {@code signal} (STOP, CONT) to a process. */
    static void signal(long pid, String signal) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor());
    }

    /**
     * Redis hanging rather than gone (paused: the connection stays open, nothing answers): the commands
     * of an event loop queue on its one connection, yet every decision still answers from an empty
     * profile within the timeout, and when Redis resumes the queued and buffered writes land, once.
     */
    @Test
    void redisHangs_decisionsStillFailOpenFast_andEverythingLandsWhenItResumes() throws Exception {
        RedisProcess redis = TestRedis.start();
        try (ServerHarness h = ServerHarness.start(redis.url(), TestRedis.prefix(), ServerHarness.copyOfExampleRules(),
                Map.of("TSUNAGU_REDIS_TIMEOUT", "50ms"))) {
            String decide = "{\"vid\":\"V-hang\",\"id\":\"PH-%d\",\"page\":{\"type\":\"home\"},\"slots\":[\"hero\"]}";
            assertEquals(200, h.post("/v1/decide", decide.formatted(1)).statusCode());
            within(2_000, "first view stored", () -> pageViews(h, "~V-hang") == 1);

            signal(redis.pid(), "STOP");
            try {
                for (int i = 2; i <= 6; i++) {
                    assertEquals(200, h.post("/v1/decide", decide.formatted(i)).statusCode());
                    long start = System.nanoTime();
                    HttpResponse<String> r = h.post("/v1/decide", "{\"vid\":\"V-hung-" + i + "\",\"slots\":[\"hero\"]}");
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertEquals(200, r.statusCode(), r.body());
                    assertTrue(json(r.body()).get("degraded").asBoolean(), r.body());
                    assertTrue(ms < 1_000, "answered in " + ms + " ms");
                }
                within(5_000, "/ready reports the hang", () -> h.get("/ready", null).statusCode() == 503);
            } finally {
                signal(redis.pid(), "CONT");
            }
            within(10_000, "/ready after Redis resumes", () -> h.get("/ready", null).statusCode() == 200);
            within(5_000, "the views of the hang written", () -> pageViews(h, "~V-hang") == 6);
            assertEquals(200, h.post("/v1/decide", "{\"vid\":\"V-after\",\"slots\":[\"hero\"]}").statusCode());
            assertEquals(6, pageViews(h, "~V-hang"));
            assertEquals(0, h.server.metrics().internalErrors.sum());
        } finally {
            redis.stop();
        }
    }
}
