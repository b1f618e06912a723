package io.tsunagu.server.profile;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.server.Metrics;
import io.tsunagu.store.ApplyResult;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events on their way to Redis, off the response path. Requests enqueue and answer at once; a timer
 * sends what is queued every few milliseconds as one pipelined batch (one script call per profile,
 * then one change notification for all of them).
 *
 * <p>Each event loop has its own: building a batch costs a few microseconds per event, and one shared
 * queue flushed on one loop would make every request on that loop wait behind the batch.
 *
 * <p>When Redis is down the events stay queued, bounded by {@code max}: what does not fit is dropped,
 * counted and logged. Batches are retried with backoff until Redis answers; because events are stored
 * by id, a batch that reached Redis before the failure was noticed does not count twice. On shutdown
 * {@link #drain} sends what is left.
 */
public final class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
    private static final int BATCH = 512;
    private static final long TICK_MS = 2;

    private record Pending(String pid, Event event, String updates) {
    }

    private final Vertx vertx;
    private final RedisProfileStore store;
    private final Supplier<ProfilePolicy> policy;
    private final String origin;
    private final int max;
    private final Metrics metrics;
    private volatile int queued;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private boolean sending;
    private volatile boolean healthy = true;
    private long backoffMs;
    private long nextAttempt;
    private long timer = -1;
    private long lastDropLog;

    public WriteBehind(Vertx vertx, RedisProfileStore store, Supplier<ProfilePolicy> policy, String origin, int max,
            Metrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.policy = policy;
        this.origin = origin;
        this.max = max;
        this.metrics = metrics;
    }

    /** Starts sending; call on the context that should own the timer. */
    public void start() {
        timer = vertx.setPeriodic(TICK_MS, t -> flush());
    }

    /** Queues events of one profile, with their aggregate updates; false (and counted) if the buffer is full. */
    public boolean enqueue(String pid, List<Event> events, List<String> updates) {
        synchronized (queue) {
            if (queue.size() + events.size() > max) {
                metrics.writesDropped.add(events.size());
                long now = System.currentTimeMillis();
                if (now - lastDropLog > 10_000) {
                    lastDropLog = now;
                    LOG.warn("write buffer full ({} events): dropping new events until Redis catches up; {} dropped so far",
                            max, metrics.writesDropped.sum());
                }
                return false;
            }
            for (int i = 0; i < events.size(); i++) {
                queue.addLast(new Pending(pid, events.get(i), updates.get(i)));
            }
            queued = queue.size();
            return true;
        }
    }

    public long size() {
        return queued;
    }

    /** Whether the last batch reached Redis. */
    public boolean isHealthy() {
        return healthy;
    }

    private void flush() {
        if (sending || System.currentTimeMillis() < nextAttempt) {
            return;
        }
        List<Pending> batch = take();
        if (batch.isEmpty()) {
            return;
        }
        sending = true;
        send(batch).onComplete(ar -> sending = false);
    }

    private List<Pending> take() {
        synchronized (queue) {
            List<Pending> out = new ArrayList<>(Math.min(BATCH, queue.size()));
            while (out.size() < BATCH && !queue.isEmpty()) {
                out.add(queue.pollFirst());
            }
            queued = queue.size();
            return out;
        }
    }

    private Future<Void> send(List<Pending> batch) {
        Map<String, List<Pending>> byProfile = new LinkedHashMap<>();
        for (Pending p : batch) {
            byProfile.computeIfAbsent(p.pid(), k -> new ArrayList<>(2)).add(p);
        }
        ProfilePolicy current = policy.get();
        long now = System.currentTimeMillis();
        List<RedisProfileStore.Apply> applies = new ArrayList<>(byProfile.size());
        byProfile.forEach((pid, pending) -> {
            List<StoredEvent> events = new ArrayList<>(pending.size());
            for (Pending p : pending) {
                events.add(StoredEvent.of(p.event(), p.updates()));
            }
            applies.add(new RedisProfileStore.Apply(pid, events));
        });
        List<Request> requests = new ArrayList<>(store.applyRequests(applies, current, now));
        requests.add(store.changesRequest(origin, byProfile.keySet()));
        return store.batch(requests).<Void>map(responses -> {
            ApplyResult total = ApplyResult.NONE;
            for (int i = 0; i < responses.size() - 1; i++) {
                Response r = responses.get(i);
                total = total.plus(RedisProfileStore.result(r));
            }
            metrics.eventsWritten.add(total.applied());
            metrics.eventsDuplicate.add(total.duplicates());
            metrics.eventsTooOld.add(total.tooOld());
            if (!healthy) {
                LOG.info("Redis is back: buffered events are being written");
            }
            healthy = true;
            backoffMs = 0;
            return null;
        }).recover(e -> {
            metrics.writeFailures.increment();
            synchronized (queue) {
                for (int i = batch.size() - 1; i >= 0; i--) {
                    queue.addFirst(batch.get(i));
                }
                queued = queue.size();
            }
            if (healthy) {
                LOG.warn("cannot write events to Redis ({}); buffering them", e.getMessage());
            }
            healthy = false;
            backoffMs = backoffMs == 0 ? 100 : Math.min(2_000, backoffMs * 2);
            nextAttempt = System.currentTimeMillis() + backoffMs;
            return Future.failedFuture(e);
        });
    }

    /** Sends everything queued, batch after batch, for at most {@code timeoutMs}; then stops the timer. */
    public Future<Void> drain(long timeoutMs) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        Promise<Void> done = Promise.promise();
        long deadline = System.currentTimeMillis() + timeoutMs;
        drainStep(done, deadline);
        return done.future();
    }

    private void drainStep(Promise<Void> done, long deadline) {
        if (sending) {
            vertx.setTimer(TICK_MS, t -> drainStep(done, deadline));
            return;
        }
        List<Pending> batch = take();
        if (batch.isEmpty()) {
            done.complete();
            return;
        }
        sending = true;
        send(batch).onComplete(ar -> {
            sending = false;
            if (System.currentTimeMillis() > deadline) {
                LOG.warn("shutdown: {} events could not be written before the deadline", size());
                done.complete();
            } else if (ar.failed()) {
                vertx.setTimer(100, t -> drainStep(done, deadline));
            } else {
                drainStep(done, deadline);
            }
        });
    }
}
