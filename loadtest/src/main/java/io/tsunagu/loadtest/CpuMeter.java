package io.tsunagu.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        pids.forEach((name, pid) -> {
            m.put(name, cpuNanos(pid));
            if (name.equals("redis")) {
                m.put("redis rewrites", childrenCpuNanos(pid));
            }
        });
        return m;
    }

    /** CPU time a process has used (all its threads; not its children's). */
    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    /**
     * CPU time of a process's children that have ended (from /proc; 0 elsewhere). For Redis these are
     * its append-only-file rewrites: forked, they take a core for seconds while the file is rewritten,
     * and are counted only once they end.
     */
    static long childrenCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // proc(5): after "(comm) " come state (field 3) ... cutime (16), cstime (17), in USER_HZ ticks.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
