package io.tsunagu.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model, constant-rate HTTP load generator.
 *
 * <p>Request {@code i} is due at {@code start + i / rate}, whether or not earlier requests have been
 * answered — real visitors do not wait for each other. Its latency is measured from that intended
 * time, not from when it was actually sent: when the server (or the generator) stalls, every request
 * it delayed is charged the wait. That is the correction for coordinated omission; without it a
 * stalled server looks fast because it was sent little while it stalled.
 *
 * <p>A pacer thread releases due requests to one event loop in small batches; responses are read in
 * full. Requests beyond {@code maxInFlight} are not sent and counted as errors ("backlog"), so an
 * overloaded server cannot make the generator run out of memory.
 */
final class Generator implements AutoCloseable {

    /** What one run measured. */
    record Result(String name, double offeredRate, long durationMs, long sent, long ok, long errors, long backlog,
            Histogram latencyMicros) {

        double throughput() {
            return ok * 1000.0 / durationMs;
        }

        double errorRate() {
            long all = ok + errors + backlog;
            return all == 0 ? 0 : (double) (errors + backlog) / all;
        }

        double percentileMs(double p) {
            return latencyMicros.getValueAtPercentile(p) / 1000.0;
        }
    }

    /** Produces request {@code i}: path and body. */
    interface Requests {
        String path(long i);

        Buffer body(long i);
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final Context context;
    private final String host;
    private final int port;
    private final int maxInFlight;
    /** Requests this generator has offered in all its runs: the next run's first request. */
    private long sequence;

    Generator(String host, int port, int connections, int maxInFlight) {
        this.vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                        .setKeepAlive(true).setTcpNoDelay(true).setIdleTimeout(30),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(maxInFlight));
        this.context = vertx.getOrCreateContext();
        this.host = host;
        this.port = port;
        this.maxInFlight = maxInFlight;
    }

    /** Sends {@code rate} requests per second for {@code durationMs}, then waits for the stragglers. */
    Result run(String name, Requests requests, double rate, long durationMs) throws InterruptedException {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong inFlight = new AtomicLong();
        long[] counts = new long[4]; // sent, ok, errors, backlog — touched only on the event loop
        long total = (long) (rate * durationMs / 1000.0);
        // Each run goes on where the last one stopped: a warm-up has then sent every visitor once, and
        // later runs meet new visitors only as often as the traffic has them (restarting at request 0
        // replayed the warm-up's visitors, and a run longer than the warm-up met only new ones).
        long first = sequence;
        sequence += total;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        double intervalNanos = 1e9 / rate;
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong completed = new AtomicLong();
        long next = 0;
        while (next < total) {
            long now = System.nanoTime();
            long due = Math.min(total, (long) ((now - start) / intervalNanos) + 1);
            if (due > next) {
                long from = next;
                long to = due;
                context.runOnContext(v -> {
                    for (long i = from; i < to; i++) {
                        long intended = start + (long) (i * intervalNanos);
                        if (inFlight.get() >= maxInFlight) {
                            counts[3]++;
                            finish(completed, total, done);
                            continue;
                        }
                        inFlight.incrementAndGet();
                        counts[0]++;
                        send(requests.path(first + i), requests.body(first + i), intended, latency, counts, inFlight, completed,
                                total, done);
                    }
                });
                next = due;
            }
            LockSupport.parkNanos(Math.max(50_000L, (long) Math.min(intervalNanos, 500_000)));
        }
        if (!done.await(durationMs + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + ": responses still missing a minute after the run");
        }
        long elapsedMs = Math.max(durationMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        Histogram copy = new Histogram(latency.getHighestTrackableValue(), 3);
        CountDownLatch copied = new CountDownLatch(1);
        long[] snapshot = new long[4];
        context.runOnContext(v -> {
            copy.add(latency);
            System.arraycopy(counts, 0, snapshot, 0, 4);
            copied.countDown();
        });
        copied.await();
        return new Result(name, rate, elapsedMs, snapshot[0], snapshot[1], snapshot[2], snapshot[3], copy);
    }

    private void send(String path, Buffer body, long intended, Histogram latency, long[] counts, AtomicLong inFlight,
            AtomicLong completed, long total, CountDownLatch done) {
        RequestOptions options = new RequestOptions().setMethod(body == null ? HttpMethod.GET : HttpMethod.POST)
                .setHost(host).setPort(port).setURI(path).putHeader("Content-Type", "application/json");
        client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - intended));
                    latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                    if (ar.succeeded() && ar.result() >= 200 && ar.result() < 300) {
                        counts[1]++;
                    } else {
                        counts[2]++;
                    }
                    inFlight.decrementAndGet();
                    finish(completed, total, done);
                });
    }

    private static void finish(AtomicLong completed, long total, CountDownLatch done) {
        if (completed.incrementAndGet() == total) {
            done.countDown();
        }
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
