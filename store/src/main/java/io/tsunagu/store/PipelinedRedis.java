package io.tsunagu.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Redis client that sends the commands of each event-loop thread over one connection of its own,
 * pipelined: a command goes out as soon as it is sent, without waiting for the answers before it.
 *
 * <p>The pooled client lends a connection per command (or batch) and takes it back with the answer,
 * so under load each command travels alone: a write and a read system call on both sides for each.
 * On one connection per event loop the commands of many requests share them. Measured with the load
 * test's floor (a hello-world that reads 1 KB from Redis and records a page view per request, see
 * BENCHMARKS.md): 14,354 req/s pooled against 20,732 pipelined, the server's CPU per request 64 against
 * 35–40 µs and Redis's 23 against 15.
 *
 * <p>The connection belongs to the event-loop thread, not to a Vert.x context: every HTTP request
 * runs on a context of its own (a lane per context held one pooled connection per request, and the
 * pool ran dry after a few). A batch is written as one buffer, so a {@code MULTI} … {@code EXEC} sent
 * as a batch is not interleaved with other commands on the shared connection. Commands sent from
 * outside an event loop (a worker, the main thread) use the pool. A connection that fails or closes is
 * dropped and the next command opens another; while connecting fails, commands fail at once for
 * {@link #RETRY_MS}, so that a Redis that is down costs the callers no wait (they fail open) and is not
 * flooded with attempts.
 */
public final class PipelinedRedis implements Redis {

    static final long RETRY_MS = 100;

    private final Redis pool;
    /** Per event-loop thread, not per context: Vert.x gives each HTTP request a context of its own. */
    private final ThreadLocal<Lane> lane = new ThreadLocal<>();
    private final List<Lane> lanes = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public PipelinedRedis(Redis pool) {
        this.pool = pool;
    }

    @Override
    public Future<RedisConnection> connect() {
        return pool.connect();
    }

    @Override
    public Future<Response> send(Request request) {
        Lane lane = lane();
        if (lane == null) {
            return pool.send(request);
        }
        RedisConnection c = lane.connection;
        return c != null ? c.send(request) : lane.connect().compose(conn -> conn.send(request));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        Lane lane = lane();
        if (lane == null) {
            return pool.batch(requests);
        }
        RedisConnection c = lane.connection;
        return c != null ? c.batch(requests) : lane.connect().compose(conn -> conn.batch(requests));
    }

    @Override
    public Future<Void> close() {
        closed = true;
        List<Future<?>> closing = new ArrayList<>();
        for (Lane lane : lanes) {
            RedisConnection c = lane.connection;
            if (c != null) {
                closing.add(c.close());
            }
        }
        lanes.clear();
        return Future.join(closing).transform(ar -> pool.close());
    }

    /** The calling event loop's lane, or null to use the pool. */
    private Lane lane() {
        if (!Context.isOnEventLoopThread() || closed) {
            return null;
        }
        Lane l = lane.get();
        if (l == null) {
            l = new Lane();
            lane.set(l);
            lanes.add(l);
        }
        return l;
    }

    /** One event loop's connection; touched only on that loop's thread (but for {@link #drop}). */
    private final class Lane {
        volatile RedisConnection connection;
        private Future<RedisConnection> connecting;
        private long failedAt;

        Future<RedisConnection> connect() {
            if (connecting != null && (!connecting.failed() || System.currentTimeMillis() - failedAt < RETRY_MS)) {
                return connecting; // still connecting, or failed just now
            }
            Future<RedisConnection> attempt = pool.connect();
            connecting = attempt;
            attempt.onComplete(ar -> {
                if (connecting != attempt) {
                    return;
                }
                if (ar.failed()) {
                    failedAt = System.currentTimeMillis();
                    return;
                }
                RedisConnection c = ar.result();
                c.exceptionHandler(e -> drop(c));
                c.endHandler(v -> drop(c));
                if (closed) {
                    c.close();
                } else {
                    connection = c;
                }
            });
            return attempt;
        }

        private void drop(RedisConnection c) {
            if (connection == c) {
                connection = null;
                connecting = null;
            }
        }
    }
}
