package io.tsunagu.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Phases of a load test, as text for people and JSON for machines. */
final class Report {

    private final List<Map<String, Object>> phases = new ArrayList<>();
    private final Map<String, Object> summary = new LinkedHashMap<>();
    private final Map<String, Object> redis = new LinkedHashMap<>();

    /**
     * What the server's near-cache did in a phase, as shares of its profile lookups: answered from the
     * cache, answered from an empty profile because Redis did not answer in time (fail-open), and
     * cached profiles dropped (changed elsewhere, or a page view the snapshot could not apply exactly).
     */
    record Cache(double hitRatio, double failOpen, double invalidations) {
        static final Cache NONE = new Cache(Double.NaN, Double.NaN, Double.NaN);
    }

    Map<String, Object> add(Generator.Result r, Cache cache) {
        return add(r, cache, null);
    }

    /** @param cpu microseconds of CPU per request by process, or null */
    Map<String, Object> add(Generator.Result r, Cache cache, Map<String, Object> cpu) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", r.name());
        m.put("offered_rps", round(r.offeredRate()));
        m.put("throughput_rps", round(r.throughput()));
        m.put("requests", r.sent() + r.backlog());
        m.put("ok", r.ok());
        m.put("errors", r.errors() + r.backlog());
        m.put("p50_ms", round3(r.percentileMs(50)));
        m.put("p90_ms", round3(r.percentileMs(90)));
        m.put("p99_ms", round3(r.percentileMs(99)));
        m.put("p999_ms", round3(r.percentileMs(99.9)));
        m.put("max_ms", round3(r.latencyMicros().getMaxValue() / 1000.0));
        if (!Double.isNaN(cache.hitRatio())) {
            m.put("cache_hit_ratio", round3(cache.hitRatio()));
            m.put("fail_open_share", round3(cache.failOpen()));
            m.put("invalidation_share", round3(cache.invalidations()));
        }
        if (cpu != null) {
            m.put("cpu_us_per_request", cpu);
        }
        phases.add(m);
        System.out.println(line(m));
        return m;
    }

    /** Redis's time per command during a phase ({@link RedisStats}). */
    void redis(String phase, Map<String, String> commandStats) {
        redis.put(phase, commandStats);
        System.out.println("Redis during " + phase + ":");
        commandStats.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    }

    void summary(String key, Object value) {
        summary.put(key, value);
    }

    static String line(Map<String, Object> m) {
        return String.format(Locale.ROOT, "%-34s offered %8.0f/s  got %8.0f/s  errors %6s  p50 %7.3f  p90 %7.3f  p99 %7.3f  "
                + "p99.9 %7.3f ms%s", m.get("phase"), num(m.get("offered_rps")), num(m.get("throughput_rps")), m.get("errors"),
                num(m.get("p50_ms")), num(m.get("p90_ms")), num(m.get("p99_ms")), num(m.get("p999_ms")),
                m.containsKey("cache_hit_ratio") ? String.format(Locale.ROOT, "  hits %.3f  fail-open %.3f  invalidated %.3f",
                        num(m.get("cache_hit_ratio")), num(m.get("fail_open_share")), num(m.get("invalidation_share"))) : "")
                + (m.get("cpu_us_per_request") instanceof Map<?, ?> cpu ? "  cpu µs/req " + cpu : "");
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    String json() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("summary", summary);
        all.put("phases", phases);
        all.put("redis_commandstats", redis);
        return io.tsunagu.server.http.Json.write(all).toString();
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n== Phases ==\n");
        for (Map<String, Object> m : phases) {
            sb.append(line(m)).append('\n');
        }
        sb.append("\n== Summary ==\n");
        summary.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-44s %s%n", k, v)));
        return sb.toString();
    }

    static double round(double d) {
        return Math.round(d);
    }

    static double round3(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
