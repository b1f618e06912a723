package io.tsunagu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.store.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commands of one event loop share a pipelined connection; each still gets its own answer. */
class PipelinedRedisTest {

    Vertx vertx;
    PipelinedRedis redis;
    String prefix;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        redis = new PipelinedRedis(Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(TestRedis.shared().url()).setProtocolNegotiation(false).setMaxPoolSize(4)));
        prefix = TestRedis.prefix();
    }

    @AfterEach
    void stop() throws Exception {
        redis.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code work} on an event-loop context and waits for its future. */
    private <T> T onEventLoop(Supplier<Future<T>> work) throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<T> out = new CompletableFuture<>();
        context.runOnContext(v -> work.get().onComplete(ar -> {
            if (ar.succeeded()) {
                out.complete(ar.result());
            } else {
                out.completeExceptionally(ar.cause());
            }
        }));
        return out.get(20, TimeUnit.SECONDS);
    }

    @Test
    void manySendsAndTransactions_inFlightTogether_eachGetItsOwnAnswer() throws Exception {
        List<String> answers = onEventLoop(() -> {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String key = prefix + ":k" + i;
                if (i % 2 == 0) {
                    all.add(redis.send(Request.cmd(Command.SET).arg(key).arg("v" + i))
                            .compose(ok -> redis.send(Request.cmd(Command.GET).arg(key)))
                            .map(Response::toString));
                } else {
                    // A transaction in a batch: MULTI, two commands, EXEC — none of the others' answers in between.
                    all.add(redis.batch(List.of(Request.cmd(Command.MULTI), Request.cmd(Command.SET).arg(key).arg("v" + i),
                                    Request.cmd(Command.GET).arg(key), Request.cmd(Command.EXEC)))
                            .map(rs -> rs.get(3).get(1).toString()));
                }
            }
            return Future.all(all).map(c -> {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    out.add(c.resultAt(i));
                }
                return out;
            });
        });
        for (int i = 0; i < 500; i++) {
            assertEquals("v" + i, answers.get(i));
        }
    }

    @Test
    void requestsOfAnHttpServer_eachOnAContextOfItsOwn_shareTheLoopsConnection() throws Exception {
        // Four pooled connections: a connection held per request would leave the fifth request waiting.
        HttpServer server = vertx.createHttpServer().requestHandler(req -> redis.send(Request.cmd(Command.INCR)
                        .arg(prefix + ":hits")).onComplete(ar -> req.response().end(ar.succeeded() ? ar.result().toString() : "failed")));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 1; i <= 50; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Integer.toString(i), r.body());
        }
    }

    @Test
    void commandsFromOutsideAnEventLoop_useThePool() throws Exception {
        Response pong = redis.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("PONG", pong.toString());
    }

    @Test
    void redisRestarted_theNextCommandsReconnect() throws Exception {
        RedisProcess own = TestRedis.start();
        PipelinedRedis client = new PipelinedRedis(Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(own.url()).setProtocolNegotiation(false).setMaxPoolSize(4)));
        try {
            assertEquals("PONG", onEventLoop(() -> client.send(Request.cmd(Command.PING))).toString());
            own.stop();
            Throwable down = onEventLoop(() -> client.send(Request.cmd(Command.PING)).transform(ar ->
                    Future.succeededFuture(ar.cause())));
            assertTrue(down != null, "a command to a stopped Redis fails");
            own = TestRedis.restart(own);
            long deadline = System.currentTimeMillis() + 5_000;
            String answer = null;
            while (answer == null && System.currentTimeMillis() < deadline) {
                answer = onEventLoop(() -> client.send(Request.cmd(Command.PING)).map(Response::toString)
                        .otherwise((String) null));
                Thread.sleep(50);
            }
            assertEquals("PONG", answer);
        } finally {
            client.close();
            own.stop();
        }
    }
}
