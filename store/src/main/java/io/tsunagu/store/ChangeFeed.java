package io.tsunagu.store;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to profile changes published by other server instances and by the loader, on a dedicated
 * subscriber connection that reconnects by itself. After every (re)subscription {@code onReset} runs:
 * messages may have been missed while disconnected, so cached profiles must be dropped.
 */
public final class ChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final RedisOptions options;
    private final ProfileKeys keys;
    private final String origin;
    private Consumer<String> onChange;
    private Runnable onReset;
    private Redis client;
    private RedisConnection connection;
    private volatile boolean connected;
    private boolean closed;
    private long backoff = 100;

    /** @param origin this instance's id; its own messages are ignored */
    public ChangeFeed(Vertx vertx, RedisOptions options, ProfileKeys keys, String origin) {
        this.vertx = vertx;
        this.options = new RedisOptions(options).setMaxPoolSize(1);
        this.keys = keys;
        this.origin = origin;
    }

    /** Starts listening; each changed profile id is passed to {@code onChange}. Call on a Vert.x context. */
    public void start(Consumer<String> onChange, Runnable onReset) {
        this.onChange = onChange;
        this.onReset = onReset;
        connect();
    }

    public boolean isConnected() {
        return connected;
    }

    private void connect() {
        if (closed) {
            return;
        }
        client = Redis.createClient(vertx, options);
        client.connect()
                .compose(c -> {
                    connection = c;
                    c.handler(this::message);
                    c.exceptionHandler(e -> lost("error: " + e.getMessage()));
                    c.endHandler(v -> lost("closed"));
                    return c.send(Request.cmd(Command.SUBSCRIBE).arg(keys.changes()));
                })
                .onSuccess(r -> {
                    connected = true;
                    backoff = 100;
                    onReset.run();
                })
                .onFailure(e -> retry("cannot subscribe: " + e.getMessage()));
    }

    private void message(Response r) {
        if (r.size() < 3 || !"message".equals(r.get(0).toString())) {
            return;
        }
        String payload = r.get(2).toString();
        int nl = payload.indexOf('\n');
        if (nl < 0 || payload.regionMatches(0, origin, 0, nl) && nl == origin.length()) {
            return;
        }
        int start = nl + 1;
        while (start < payload.length()) {
            int end = payload.indexOf('\n', start);
            if (end < 0) {
                end = payload.length();
            }
            onChange.accept(payload.substring(start, end));
            start = end + 1;
        }
    }

    private void lost(String why) {
        if (!connected) {
            return;
        }
        connected = false;
        retry("change feed lost (" + why + ")");
    }

    private void retry(String why) {
        connected = false;
        if (closed) {
            return;
        }
        LOG.warn("{}; reconnecting in {} ms", why, backoff);
        closeClient();
        vertx.setTimer(backoff, t -> connect());
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }

    private void closeClient() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }

    public void close() {
        closed = true;
        connected = false;
        closeClient();
    }
}
