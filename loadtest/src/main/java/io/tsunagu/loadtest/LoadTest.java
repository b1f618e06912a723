package io.tsunagu.loadtest;

import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.source.Durations;
import io.tsunagu.server.profile.Identity;
import io.tsunagu.store.RedisProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code tsunagu loadtest}: the server's speed, measured against a baseline in the same run.
 *
 * <pre>
 * tsunagu loadtest [suite] [--quick] [--only baseline,floor,cached,miss] [--out FILE]
 *     Starts a private Redis, seeds members with offline history, starts the decision server (bench
 *     rules: 30 segments, 50 campaigns) and a hello-world baseline, then measures: each one's maximum
 *     throughput (ramp), cached decide latency at a constant 10,000 req/s, and decide with every
 *     profile read from Redis (cache off): maximum throughput and latency at 10,000 req/s. The floor:
 *     the hello-world plus only the Redis work a decide cannot skip (FloorServer), for both.
 * tsunagu loadtest loader [--rows 1000000] [--members 100000] [--floor]
 *     Imports a POS export (Shift_JIS, time-ordered) into a private Redis, then again forced; with
 *     --floor also what Redis costs for the same rows' writes as plain commands, with no script.
 * tsunagu loadtest run  --url http://host:port --rate N --duration 30s [--secret S] [--members N]
 * tsunagu loadtest ramp --url http://host:port [--start N] [--secret S] [--members N]
 *     Against a running server: signed members need its site secret.
 * </pre>
 */
public final class LoadTest {

    private static final String USAGE = """
            usage: tsunagu loadtest [suite] [--quick] [--only baseline,floor,cached,miss] [--out FILE]
                   tsunagu loadtest loader [--rows 1000000] [--members 100000] [--floor] [--out FILE]
                   tsunagu loadtest run  --url URL --rate N [--duration 30s] [--secret S] [--members N] [--visitors N]
                   tsunagu loadtest ramp --url URL [--start N] [--secret S] [--members N] [--visitors N]""";

    private final Map<String, String> options = new HashMap<>();
    private final Report report = new Report();

    public static void main(String[] args) throws Exception {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        LoadTest t = new LoadTest();
        String command = args.length > 0 && !args[0].startsWith("--") ? args[0] : "suite";
        for (int i = command.equals("suite") && (args.length == 0 || args[0].startsWith("--")) ? 0 : 1; i < args.length; i++) {
            if (args[i].equals("--quick") || args[i].equals("--floor")) {
                t.options.put(args[i].substring(2), "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                t.options.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("tsunagu loadtest: unexpected \"" + args[i] + "\"\n" + USAGE);
                System.exit(2);
            }
        }
        int code = switch (command) {
            case "suite" -> t.suite();
            case "run", "ramp" -> t.against(command);
            case "loader" -> t.loader();
            default -> {
                System.err.println(USAGE);
                yield 2;
            }
        };
        System.exit(code);
    }

    // ---- the suite -----------------------------------------------------------------------------

    private int suite() throws Exception {
        boolean quick = options.containsKey("quick");
        List<String> only = List.of(options.getOrDefault("only", "baseline,floor,cached,miss").split(","));
        int members = quick ? 500 : 5_000;
        int visitors = quick ? 20_000 : 200_000;
        long step = quick ? 2_000 : 5_000;
        Path root = repoRoot();
        Path rules = root.resolve("examples/bench-rules");
        Path work = Files.createTempDirectory("tsunagu-loadtest");
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Identity identity = new Identity(secret);
        ProfilePolicy policy = RuleSetLoader.load(rules).policy();
        int loops = Runtime.getRuntime().availableProcessors();
        report.summary("machine", loops + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + "; generator, servers and Redis on the same machine");

        try {
            try (RedisProcess redis = RedisProcess.start(work.resolve("redis"))) {
                Runtime.getRuntime().addShutdownHook(new Thread(redis::stop));
                long t0 = System.currentTimeMillis();
                long seeded = Seeder.seed(redis.url(), "lt", members, 40, policy);
                report.summary("seeded", members + " members, " + seeded + " events in " + (System.currentTimeMillis() - t0) + " ms");
                Workload decide = new Workload(1, visitors, members, identity, 0.15, "/v1/decide", "/v1/events");
                Workload hello = new Workload(1, visitors, members, identity, 0.15, "/hello", "/hello");

                Phases phases = new Phases(work, redis, rules, secret, loops, quick, step);
                Generator.Result[] baseline = only.contains("baseline") ? phases.baseline(hello) : null;
                double baselineMax = baseline == null ? Double.NaN : baseline[0].throughput();
                Generator.Result[][] floor = only.contains("floor") ? phases.floor(hello, visitors) : null;
                Generator.Result[] cached = only.contains("cached") ? phases.decide(decide, true) : null;
                Generator.Result[] miss = only.contains("miss") ? phases.decide(decide, false) : null;

                if (baseline != null) {
                    report.summary("baseline max throughput (req/s)", Math.round(baselineMax));
                    report.summary("baseline @ 10000/s: p99 ms", fmt(baseline[1].percentileMs(99)));
                }
                if (floor != null) {
                    report.summary("floor, page-view write: max throughput (req/s)", Math.round(floor[0][0].throughput()));
                    report.summary("floor, page-view write @ 10000/s: p99 ms", fmt(floor[0][1].percentileMs(99)));
                    report.summary("floor, profile read + page-view write: max throughput (req/s)",
                            Math.round(floor[1][0].throughput()));
                    report.summary("floor, profile read + page-view write @ 10000/s: p99 ms", fmt(floor[1][1].percentileMs(99)));
                    if (!Double.isNaN(baselineMax)) {
                        report.summary("floor, page-view write: share of baseline", fmt(floor[0][0].throughput() / baselineMax));
                    }
                }
                if (cached != null) {
                    report.summary("decide, cached: max throughput (req/s)", Math.round(cached[0].throughput()));
                    if (!Double.isNaN(baselineMax)) {
                        report.summary("decide, cached: share of baseline (target >= 0.5)",
                                fmt(cached[0].throughput() / baselineMax));
                    }
                    report.summary("decide, cached @ 10000/s: p99 ms (target <= 1)", fmt(cached[1].percentileMs(99)));
                    report.summary("decide, cached @ 10000/s: p50 / p99.9 ms", fmt(cached[1].percentileMs(50)) + " / "
                            + fmt(cached[1].percentileMs(99.9)));
                }
                if (miss != null) {
                    report.summary("decide, cache off: max throughput (req/s) (target >= 25000)",
                            Math.round(miss[0].throughput()));
                    report.summary("decide, cache off @ 10000/s: p99 ms (target <= 2)", fmt(miss[1].percentileMs(99)));
                }
            }
        } finally {
            deleteTree(work);
        }
        finish(root.resolve("loadtest/target/loadtest-report.json"));
        return 0;
    }

    /** Deletes a run's working directory: its Redis's data and files (a 1M-line loader run leaves ~300 MB). */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The suite's measurements, each against a freshly started target. */
    private final class Phases {
        private final Path work;
        private final RedisProcess redis;
        private final Path rules;
        private final String secret;
        private final int loops;
        private final boolean quick;
        private final long step;

        Phases(Path work, RedisProcess redis, Path rules, String secret, int loops, boolean quick, long step) {
            this.work = work;
            this.redis = redis;
            this.rules = rules;
            this.secret = secret;
            this.loops = loops;
            this.quick = quick;
            this.step = step;
        }

        /** The hello-world server's maximum throughput, and its latency at 10,000 req/s. */
        Generator.Result[] baseline(Workload hello) throws Exception {
            int port = JvmProcess.freePort();
            try (JvmProcess baseline = JvmProcess.start("baseline", HelloServer.class.getName(),
                    List.of(Integer.toString(port), Integer.toString(loops)), Map.of(), port,
                    work.resolve("baseline.log"), "/hello", JvmProcess.Gc.THROUGHPUT);
                    Generator g = new Generator("127.0.0.1", baseline.port, 64, 50_000)) {
                warmUp(g, hello, "baseline", quick);
                CpuMeter cpu = new CpuMeter(Map.of("server", baseline.pid()));
                Generator.Result max = ramp(g, hello, "baseline ramp", quick ? 5_000 : 10_000, step, null, cpu);
                return new Generator.Result[] {max, hold(g, hello, "baseline", cpu)};
            }
        }

        /**
         * A target held at the constant 10,000 req/s the cached decide's latency target is set at: for
         * the baseline and the floors, what latency the machine itself gives at that rate.
         */
        private Generator.Result hold(Generator g, Workload w, String name, CpuMeter cpu) throws Exception {
            sleep(2_000);
            cpu.begin();
            Generator.Result r = g.run(name + " @ 10000/s", w, 10_000, quick ? 5_000 : 20_000);
            report.add(r, Report.Cache.NONE, cpu.perRequest(r.ok()));
            return r;
        }

        /**
         * The floor's maximum throughput and latency at 10,000 req/s, {write only, read and write}: each
         * against its own fresh Redis (AOF on, as the suite's), so that the 1 KB values and the page-view
         * sets leave nothing behind.
         */
        Generator.Result[][] floor(Workload hello, int visitors) throws Exception {
            Generator.Result[][] out = new Generator.Result[2][];
            for (int i = 0; i < 2; i++) {
                String mode = i == 0 ? "write" : "read";
                String name = i == 0 ? "floor (page-view write)" : "floor (1 KB read + page-view write)";
                int port = JvmProcess.freePort();
                try (RedisProcess own = RedisProcess.start(work.resolve("floor-redis-" + mode));
                        JvmProcess floor = JvmProcess.start("floor", FloorServer.class.getName(),
                                List.of(Integer.toString(port), Integer.toString(loops), own.url(), mode,
                                        Integer.toString(visitors)),
                                Map.of(), port, work.resolve("floor-" + mode + ".log"), "/hello", JvmProcess.Gc.THROUGHPUT);
                        Generator g = new Generator("127.0.0.1", floor.port, 64, 50_000)) {
                    FloorServer.check(floor.port, i == 1);
                    warmUp(g, hello, name, quick);
                    Map<String, Long> pids = new LinkedHashMap<>();
                    pids.put("server", floor.pid());
                    pids.put("redis", own.pid());
                    CpuMeter cpu = new CpuMeter(pids);
                    Generator.Result max = ramp(g, hello, name + " ramp", quick ? 5_000 : 10_000, step, null, cpu);
                    out[i] = new Generator.Result[] {max, hold(g, hello, name, cpu)};
                }
            }
            return out;
        }

        /** Decide with profiles cached, or with every profile read from Redis: {maximum, at 10,000/s}. */
        Generator.Result[] decide(Workload decide, boolean cache) throws Exception {
            String name = cache ? "decide (cached)" : "decide (cache off)";
            try (JvmProcess server = server(work, redis, rules, secret, loops, cache ? 1_000_000 : 0,
                    cache ? "server-cached.log" : "server-miss.log");
                    Generator g = new Generator("127.0.0.1", server.port, 64, 50_000)) {
                warmUp(g, decide, name, quick);
                Map<String, Long> pids = new LinkedHashMap<>();
                pids.put("server", server.pid());
                pids.put("redis", redis.pid());
                CpuMeter cpu = new CpuMeter(pids);
                RedisStats.reset(redis.port());
                Generator.Result max = ramp(g, decide, name + " ramp", cache ? (quick ? 3_000 : 5_000) : 2_000, step, server,
                        cpu);
                report.redis(name + " ramp", RedisStats.read(redis.port()));
                sleep(2_000);
                double[] before = cacheCounts(server.port);
                cpu.begin();
                // (if the server cannot keep up at this rate, the latencies say by how much)
                Generator.Result constant = g.run(name + " @ 10000/s", decide, 10_000, quick ? 5_000 : cache ? 30_000 : 20_000);
                report.add(constant, cache(before, cacheCounts(server.port)), cpu.perRequest(constant.ok()));
                return new Generator.Result[] {max, constant};
            }
        }
    }

    private JvmProcess server(Path work, RedisProcess redis, Path rules, String secret, int loops, long cache, String log)
            throws Exception {
        int port = JvmProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("TSUNAGU_PORT", Integer.toString(port));
        env.put("TSUNAGU_HOST", "127.0.0.1");
        env.put("TSUNAGU_REDIS_URL", redis.url());
        env.put("TSUNAGU_REDIS_KEY_PREFIX", "lt");
        env.put("TSUNAGU_RULES_DIR", rules.toString());
        env.put("TSUNAGU_DATA_DIR", work.resolve("data").toString());
        env.put("TSUNAGU_SITE_SECRET", secret);
        env.put("TSUNAGU_CACHE_MAX_PROFILES", Long.toString(cache));
        env.put("TSUNAGU_CACHE_TTL", "30m");
        env.put("TSUNAGU_EVENT_LOOPS", Integer.toString(loops));
        return JvmProcess.start("server", "io.tsunagu.server.Main", List.of("server"), env, port, work.resolve(log), "/v1/decide",
                JvmProcess.Gc.SERVER);
    }

    /**
     * Runs the target and the generator hot before anything is measured: on two cores, JIT compilation
     * under load otherwise shows up as tens of milliseconds in the first seconds of every new rate.
     */
    private static void warmUp(Generator g, Workload w, String name, boolean quick) throws InterruptedException {
        // Gently: a cold JVM compiling on two cores, and members signing in for the first time (each one
        // merges its visitor id once), must not pile up a queue that the measurement then inherits.
        for (double rate : new double[] {500, 1_000, 2_000, 3_000, 4_000, 5_000}) {
            g.run(name + " warm-up", w, rate, quick ? 2_000 : 15_000);
        }
        sleep(2_000);
    }

    /** The ramp's step once the coarse ×1.2 steps have found the limit. */
    private static final double FINE_STEP = 1.05;

    /**
     * Offers increasing rates (×1.2 a step) until the server no longer keeps up, twice in a row at the
     * same rate: throughput below 97% of the offer, more than 1% errors, or p99 above 100 ms. Then it
     * climbs again from the best rate in steps of ×1.05, up to the rate that failed, so that the
     * maximum is known to about 5% rather than 20%. Returns the best step that kept up.
     */
    private Generator.Result ramp(Generator g, Workload w, String name, double start, long stepMs, JvmProcess server,
            CpuMeter cpu) throws Exception {
        Generator.Result best = null;
        Generator.Result last = null;
        boolean retried = false;
        double factor = 1.2;
        double ceiling = Double.MAX_VALUE;
        double rate = start;
        for (int i = 0; i < 30; i++) {
            double[] before = server == null ? null : cacheCounts(server.port);
            if (cpu != null) {
                cpu.begin();
            }
            Generator.Result r = g.run(String.format(Locale.ROOT, "%s @ %.0f/s", name, rate), w, rate, stepMs);
            report.add(r, server == null ? Report.Cache.NONE : cache(before, cacheCounts(server.port)),
                    cpu == null ? null : cpu.perRequest(r.ok()));
            last = r;
            boolean keptUp = r.throughput() >= 0.97 * rate && r.errorRate() < 0.01 && r.percentileMs(99) < 100;
            if (!keptUp && !retried) {
                // One bad step on a shared machine (a neighbour's burst, a collection) is not the limit:
                // the same rate gets a second chance.
                retried = true;
                sleep(3_000);
                continue;
            }
            retried = false;
            if (keptUp) {
                best = r;
            } else if (factor > FINE_STEP && best != null) {
                ceiling = rate;
                factor = FINE_STEP;
                rate = best.offeredRate();
            } else {
                break;
            }
            rate *= factor;
            if (rate >= ceiling / Math.sqrt(FINE_STEP)) {
                break; // the next fine step would be the rate that already failed
            }
            sleep(1_000);
        }
        if (best == null) {
            System.out.println(name + ": did not keep up even at " + start + " req/s; reporting what it achieved there");
            return last;
        }
        return best;
    }

    // ---- the loader -----------------------------------------------------------------------------

    private int loader() throws Exception {
        int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
        int members = Integer.parseInt(options.getOrDefault("members", "100000"));
        Path root = repoRoot();
        Path work = Files.createTempDirectory("tsunagu-loaderbench");
        report.summary("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; loader and Redis on the same machine");
        try {
            report.summary("loader", LoaderBench.run(root, work, rows, members, options.containsKey("floor")));
        } finally {
            deleteTree(work);
        }
        finish(root.resolve("loadtest/target/loader-report.json"));
        return 0;
    }

    // ---- against a running server --------------------------------------------------------------

    private int against(String command) throws Exception {
        String url = options.get("url");
        if (url == null) {
            System.err.println("tsunagu loadtest " + command + ": --url is required\n" + USAGE);
            return 2;
        }
        URI uri = URI.create(url);
        String secret = options.get("secret");
        int members = Integer.parseInt(options.getOrDefault("members", secret == null ? "0" : "5000"));
        int visitors = Integer.parseInt(options.getOrDefault("visitors", "20000"));
        Workload w = new Workload(1, visitors, members, secret == null ? null : new Identity(secret), 0.15, "/v1/decide",
                "/v1/events");
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        try (Generator g = new Generator(uri.getHost(), port, 64, 50_000)) {
            if (command.equals("run")) {
                double rate = Double.parseDouble(options.getOrDefault("rate", "1000"));
                long ms = Durations.parse(options.getOrDefault("duration", "30s"));
                report.add(g.run("decide @ " + Math.round(rate) + "/s", w, rate, ms), Report.Cache.NONE);
            } else {
                Generator.Result best = ramp(g, w, "decide ramp", Double.parseDouble(options.getOrDefault("start", "2000")),
                        5_000, null, null);
                report.summary("max throughput (req/s)", Math.round(best.throughput()));
            }
        }
        finish(Path.of(options.getOrDefault("out", "loadtest-report.json")));
        return 0;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void finish(Path defaultOut) throws Exception {
        Path out = options.containsKey("out") ? Path.of(options.get("out")) : defaultOut;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.json());
        System.out.println(report.text());
        System.out.println("JSON report: " + out);
    }

    /** {hits, misses, decisions from an empty profile, invalidations} from the server's /metrics. */
    private static double[] cacheCounts(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        double[] counts = new double[4];
        for (String line : r.body().split("\n")) {
            int at = line.startsWith("tsunagu_profile_cache_hits_total ") ? 0
                    : line.startsWith("tsunagu_profile_cache_misses_total ") ? 1
                    : line.startsWith("tsunagu_fail_open_total ") ? 2
                    : line.startsWith("tsunagu_invalidations_total ") ? 3 : -1;
            if (at >= 0) {
                counts[at] = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        return counts;
    }

    /** The near-cache's counts between two readings, as shares of the profile lookups. */
    private static Report.Cache cache(double[] before, double[] after) {
        double h = after[0] - before[0];
        double m = after[1] - before[1];
        return h + m == 0 ? Report.Cache.NONE : new Report.Cache(h / (h + m), (after[2] - before[2]) / (h + m),
                (after[3] - before[3]) / (h + m));
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    private static Path repoRoot() {
        String home = System.getenv("TSUNAGU_HOME");
        if (home != null) {
            return Path.of(home);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples/bench-rules"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the repository (examples/bench-rules not found)");
    }
}
