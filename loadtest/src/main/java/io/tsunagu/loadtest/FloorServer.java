package io.tsunagu.loadtest;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor under a decide: the hello-world server ({@link HelloServer}) plus only the Redis work no
 * design of the decision server can skip — recording the page view, and on a cache miss reading the
 * profile. Nothing is parsed but the visitor id, nothing is decided: what it cannot serve, no decision
 * server on this machine can.
 *
 * <ul>
 *   <li>{@code write}: each request's page view is added to the visitor's sorted set, the writes of an
 *       event loop sent together (a {@code ZADD} each, one batch a millisecond or every 32) — a cached
 *       decide's least Redis work;
 *   <li>{@code read}: the same, and before answering, one {@code GET} of a {@link #PROFILE_BYTES} string
 *       per visitor (written at start for every visitor) — a cache miss's least: one round trip for a
 *       profile far smaller than a stored history.
 * </ul>
 */
public final class FloorServer extends VerticleBase {

    /** The size of the value a {@code read} floor reads for each visitor. */
    static final int PROFILE_BYTES = 1024;
    private static final byte[] VID = "\"vid\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int BATCH = 32;

    private final int port;
    private final Redis redis;
    private final boolean read;
    private final List<Request> pending = new ArrayList<>();
    private RedisConnection connection;
    private boolean flushScheduled;

    FloorServer(int port, Redis redis, boolean read) {
        this.port = port;
        this.redis = redis;
        this.read = read;
    }

    /** {@code PORT LOOPS REDIS_URL write|read VISITORS}. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = Integer.parseInt(args[1]);
        boolean read = switch (args[3]) {
            case "read" -> true;
            case "write" -> false;
            default -> throw new IllegalArgumentException("mode must be read or write, was " + args[3]);
        };
        int visitors = Integer.parseInt(args[4]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        // As the decision server connects (TsunaguServer).
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(args[2]).setProtocolNegotiation(false)
                .setMaxPoolSize(Math.max(16, 8 * loops)).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(100_000));
        if (read) {
            seed(redis, visitors);
        }
        vertx.deployVerticle(() -> new FloorServer(port, redis, read), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("floor server (" + args[3] + ") listening on " + port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    /** A {@link #PROFILE_BYTES} string for each visitor id the workload uses ({@code v-0} …). */
    private static void seed(Redis redis, int visitors) throws Exception {
        byte[] value = new byte[PROFILE_BYTES];
        Arrays.fill(value, (byte) 'x');
        Buffer v = Buffer.buffer(value);
        for (int from = 0; from < visitors; from += 1_000) {
            Request mset = Request.cmd(Command.MSET);
            for (int i = from; i < Math.min(visitors, from + 1_000); i++) {
                mset.arg(profileKey("v-" + i)).arg(v);
            }
            redis.send(mset).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * That the floor server on {@code port} does the work it stands for: it reads the seeded profile
     * (or, writing only, reads nothing). Throws if not.
     */
    static void check(int port, boolean reads) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/hello")).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"vid\":\"v-0\",\"page\":{\"type\":\"home\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        boolean read = r.body().contains("\"profile_bytes\":" + PROFILE_BYTES);
        if (r.statusCode() != 200 || read != reads) {
            throw new IllegalStateException("floor server answered " + r.statusCode() + " " + r.body());
        }
    }

    private static String profileKey(String vid) {
        return "floor:{" + vid + "}";
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
        router.route().handler(this::handle);
        return redis.connect().compose(c -> {
            connection = c;
            return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true)
                .setIdleTimeout(60)).requestHandler(router).listen();
        });
    }

    private void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response().putHeader("Content-Type", "application/json");
        Buffer body = ctx.body().buffer();
        String vid = body == null ? null : vid(body);
        if (vid == null) {
            response.setStatusCode(400).end("{\"error\":\"no vid\"}");
            return;
        }
        record(vid, body);
        if (!read) {
            response.end("{\"message\":\"hello\"}");
            return;
        }
        connection.send(Request.cmd(Command.GET).arg(profileKey(vid))).onComplete(r -> {
            if (r.failed()) {
                response.setStatusCode(503).end("{\"error\":\"redis\"}");
            } else {
                int length = r.result() == null ? 0 : r.result().toBuffer().length();
                response.end("{\"message\":\"hello\",\"profile_bytes\":" + length + "}");
            }
        });
    }

    /**
     * The page view: the request's body as the member, scored by time, sent with the loop's next batch.
     * The workload repeats its bodies, so the sets stop growing as a decision server's trimmed lists do.
     */
    private void record(String vid, Buffer body) {
        pending.add(Request.cmd(Command.ZADD).arg(profileKey(vid) + ":e").arg(System.currentTimeMillis()).arg(body));
        if (pending.size() >= BATCH) {
            flush();
        } else if (!flushScheduled) {
            flushScheduled = true;
            vertx.setTimer(1, t -> flush());
        }
    }

    private void flush() {
        flushScheduled = false;
        if (pending.isEmpty()) {
            return;
        }
        List<Request> batch = new ArrayList<>(pending);
        pending.clear();
        connection.batch(batch).onFailure(e -> System.err.println("floor server: write failed: " + e.getMessage()));
    }

    /** The value of the body's first {@code "vid":"…"}, or null. */
    private static String vid(Buffer body) {
        int n = body.length();
        outer:
        for (int i = 0; i + VID.length < n; i++) {
            for (int j = 0; j < VID.length; j++) {
                if (body.getByte(i + j) != VID[j]) {
                    continue outer;
                }
            }
            int from = i + VID.length;
            for (int k = from; k < n; k++) {
                if (body.getByte(k) == '"') {
                    return k == from ? null : body.getString(from, k, "US-ASCII");
                }
            }
            return null;
        }
        return null;
    }
}
