package io.tsunagu.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counters and gauges of one server, served at {@code /metrics} in the Prometheus text format. */
public final class Metrics {

    public final LongAdder decideRequests = new LongAdder();
    public final LongAdder eventRequests = new LongAdder();
    public final LongAdder clientErrors = new LongAdder();
    public final LongAdder internalErrors = new LongAdder();
    public final LongAdder cacheHits = new LongAdder();
    public final LongAdder cacheMisses = new LongAdder();
    public final LongAdder failOpen = new LongAdder();
    public final LongAdder merges = new LongAdder();
    public final LongAdder eventsWritten = new LongAdder();
    public final LongAdder eventsDuplicate = new LongAdder();
    public final LongAdder eventsTooOld = new LongAdder();
    public final LongAdder writesDropped = new LongAdder();
    public final LongAdder writeFailures = new LongAdder();
    public final LongAdder invalidations = new LongAdder();
    public final LongAdder rulesReloads = new LongAdder();
    public final LongAdder rulesReloadFailures = new LongAdder();

    private final Map<String, LongSupplier> gauges = new LinkedHashMap<>();

    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    /** Hits / (hits + misses) so far, or NaN before the first lookup. */
    public double cacheHitRatio() {
        long h = cacheHits.sum();
        long m = cacheMisses.sum();
        return h + m == 0 ? Double.NaN : (double) h / (h + m);
    }

    public String prometheus() {
        StringBuilder sb = new StringBuilder(2048);
        counter(sb, "tsunagu_decide_requests_total", "Decide requests answered", decideRequests);
        counter(sb, "tsunagu_event_requests_total", "Event requests answered", eventRequests);
        counter(sb, "tsunagu_client_errors_total", "Requests answered with a 4xx", clientErrors);
        counter(sb, "tsunagu_internal_errors_total", "Requests that failed on a bug (500); a 503 while Redis is down is not one", internalErrors);
        counter(sb, "tsunagu_profile_cache_hits_total", "Profiles found in the near-cache", cacheHits);
        counter(sb, "tsunagu_profile_cache_misses_total", "Profiles read from Redis", cacheMisses);
        counter(sb, "tsunagu_fail_open_total", "Decisions made from an empty profile because Redis did not answer", failOpen);
        counter(sb, "tsunagu_merges_total", "Anonymous histories merged into a member's profile", merges);
        counter(sb, "tsunagu_events_written_total", "Events stored", eventsWritten);
        counter(sb, "tsunagu_events_duplicate_total", "Events already stored (retries, re-imports)", eventsDuplicate);
        counter(sb, "tsunagu_events_too_old_total", "Events older than the aggregate horizon, not stored", eventsTooOld);
        counter(sb, "tsunagu_writes_dropped_total", "Events dropped because the write buffer was full", writesDropped);
        counter(sb, "tsunagu_write_failures_total", "Failed write batches (retried)", writeFailures);
        counter(sb, "tsunagu_invalidations_total", "Cached profiles dropped because they changed elsewhere", invalidations);
        counter(sb, "tsunagu_rules_reloads_total", "Rule sets loaded", rulesReloads);
        counter(sb, "tsunagu_rules_reload_failures_total", "Rule changes rejected", rulesReloadFailures);
        gauges.forEach((name, value) -> {
            sb.append("# TYPE ").append(name).append(" gauge\n");
            sb.append(name).append(' ').append(value.getAsLong()).append('\n');
        });
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, LongAdder value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(value.sum()).append('\n');
    }
}
