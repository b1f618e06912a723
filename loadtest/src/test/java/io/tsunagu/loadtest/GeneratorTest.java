package io.tsunagu.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator's latencies are measured from when each request was due, so stalls cannot hide. */
class GeneratorTest {

    static Vertx vertx;
    static int port;

    @BeforeAll
    static void server() throws Exception {
        vertx = Vertx.vertx();
        port = JvmProcess.freePort();
        vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> req.response().end("{}")))
                .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    /** Requests to the test server; building request {@code stallAt} blocks the generator for 300 ms. */
    record Stalling(long stallAt) implements Generator.Requests {
        @Override
        public String path(long i) {
            return "/x";
        }

        @Override
        public Buffer body(long i) {
            if (i == stallAt) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Buffer.buffer("{}");
        }
    }

    @Test
    void everyRequestIsSent_andAnswered() throws Exception {
        try (Generator g = new Generator("127.0.0.1", port, 8, 10_000)) {
            Generator.Result r = g.run("plain", new Stalling(-1), 500, 1_000);
            assertEquals(500, r.sent());
            assertEquals(500, r.ok());
            assertEquals(0, r.errors() + r.backlog());
        }
    }

    @Test
    void aStall_isChargedToEveryRequestItDelayed() throws Exception {
        try (Generator g = new Generator("127.0.0.1", port, 8, 10_000)) {
            g.run("warm-up", new Stalling(-1), 500, 1_000);
            // The warm-up offered requests 0-499; this run goes on from 500: the stall is its 250th.
            Generator.Result r = g.run("stalled", new Stalling(750), 500, 2_000);
            assertEquals(1_000, r.ok());
            // ~150 requests were due during the 300 ms stall: measured from when they were due, the
            // slowest waited ~300 ms, and more than 5% of all requests waited over 100 ms.
            assertTrue(r.latencyMicros().getMaxValue() >= 250_000, "max " + r.latencyMicros().getMaxValue() + " µs");
            assertTrue(r.percentileMs(95) >= 100, "p95 " + r.percentileMs(95) + " ms");
            assertTrue(r.percentileMs(50) < 100, "p50 " + r.percentileMs(50) + " ms: the rest was fast");
        }
    }

    @Test
    void eachRun_goesOnWhereTheLastStopped() throws Exception {
        // A run that started again at request 0 would replay the visitors of the runs before it.
        java.util.Set<Long> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Generator.Requests recording = new Generator.Requests() {
            @Override
            public String path(long i) {
                asked.add(i);
                return "/x";
            }

            @Override
            public Buffer body(long i) {
                return Buffer.buffer("{}");
            }
        };
        try (Generator g = new Generator("127.0.0.1", port, 8, 10_000)) {
            g.run("first", recording, 500, 400);
            g.run("second", recording, 500, 400);
        }
        assertEquals(400, asked.size(), "two runs of 200 requests: 400 different ones");
        assertTrue(asked.contains(0L) && asked.contains(399L), "requests 0-399");
    }
}
