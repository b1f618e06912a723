package io.tsunagu.loadtest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time that the processes of a test (generator, server, Redis) used during a phase, per request:
 * on a shared machine it says where each request's cost goes, and so what limits throughput.
 */
final class CpuMeter {

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private Map<String, Long> start = Map.of();

    CpuMeter(Map<String, Long> pids) {
        this.pids.put("generator", ProcessHandle.current().pid());
        this.pids.putAll(pids);
    }

    void begin() {
        start = sample();
    }

    /** Microseconds of CPU per request for each process since {@link #begin}. */
    Map<String, Object> perRequest(long requests) {
        Map<String, Long> end = sample();
        Map<String, Object> out = new LinkedHashMap<>();
        end.forEach((name, nanos) -> out.put(name, requests == 0 ? 0.0
                : Report.round3((nanos - start.getOrDefault(name, 0L)) / 1000.0 / requests)));
        return out;
    }

    private Map<String, Long> sample() {
        Map<String, Long> m = new LinkedHashMap<>();
        pids.forEach((name, pid) -> m.put(name, ProcessHandle.of(pid)
                .flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L)));
        return m;
    }
}
