package io.tsunagu.loadtest;

import io.tsunagu.loader.ImportHistory;
import io.tsunagu.loader.ImportRun;
import io.tsunagu.loader.Importer;
import io.tsunagu.loader.RecsBuild;
import io.tsunagu.loader.feed.Feed;
import io.tsunagu.loader.feed.FeedsLoader;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProcess;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.StoredEvent;
import io.tsunagu.rules.profile.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStreamWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code tsunagu loadtest loader [--rows N]}: end-to-end import speed of a POS export into a private
 * Redis — reading Shift_JIS, validating, applying each line as an event with its aggregates — and
 * again forced (every row a duplicate). The file is ordered by time across stores and members, as
 * real exports are, so consecutive rows rarely belong to the same customer.
 */
final class LoaderBench {

    private static final String FEEDS = """
            feeds:
              pos:
                kind: events
                event: purchase
                file: "pos_*.csv"
                encoding: Shift_JIS
                id: member_id
                time: { from: purchased_at, format: "yyyy/MM/dd HH:mm:ss", zone: Asia/Tokyo }
                key: [receipt_no, line_no]
                columns:
                  channel:    { value: store }
                  store_id:   { from: store_code }
                  product_id: { from: item_code }
                  brand:      { from: brand }
                  category:   { from: category }
                  amount:     { from: amount, type: decimal }
            """;

    private static final String IMPORT_PREFIX = "lb";

    private LoaderBench() {
    }

    static Map<String, Object> run(Path root, Path work, int rows, int members, boolean floor) throws Exception {
        Path file = work.resolve("pos_bench.csv");
        long t0 = System.nanoTime();
        LocalDateTime start = LocalDateTime.now().minusDays(90).withNano(0);
        writePos(file, rows, members, start);
        System.out.printf(Locale.ROOT, "wrote %,d POS rows (%,d bytes) in %.1f s%n", rows, Files.size(file),
                (System.nanoTime() - t0) / 1e9);
        Feed feed = FeedsLoader.parse("bench-feeds.yaml", FEEDS).get("pos");
        ProfilePolicy policy = RuleSetLoader.load(root.resolve("examples/bench-rules")).policy();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", rows);
        out.put("members", members);
        out.put("file_bytes", Files.size(file));
        try (RedisProcess redis = RedisProcess.start(work.resolve("redis-loader"))) {
            Vertx vertx = Vertx.vertx();
            Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url())
                    .setProtocolNegotiation(false).setMaxPoolSize(8).setMaxPoolWaiting(1_000));
            try {
                RedisProfileStore store = new RedisProfileStore(client, new ProfileKeys(IMPORT_PREFIX));
                store.prepare().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                Importer importer = new Importer(store, policy, new ImportHistory(store));
                out.put("first_import", measure("import", importer, feed, file, false, redis.pid(), rows, work));
                out.put("forced_reimport", measure("forced re-import", importer, feed, file, true, redis.pid(), rows, work));
                if (floor) {
                    // Holds the file's lines, then the commands, in memory: not for a small heap.
                    Path sorted = work.resolve("pos_bench_by_member.csv");
                    sortByMember(file, sorted);
                    // Warm, into fresh profiles, alternating: the first import above also pays for the JIT.
                    for (int round = 1; round <= 2; round++) {
                        for (boolean byMember : new boolean[] {false, true}) {
                            RedisProfileStore other = new RedisProfileStore(client, new ProfileKeys("lb-" + round + byMember));
                            out.put((byMember ? "import_by_member_" : "import_warm_") + round, measure(
                                    byMember ? "import by member" : "import (warm)", new Importer(other, policy,
                                    new ImportHistory(other)), feed, byMember ? sorted : file, false, redis.pid(), rows, work));
                        }
                    }
                    out.put("redis_floor_line_by_line", floor(client, policy, rows, members, start, false, redis.pid()));
                    out.put("redis_floor_grouped", floor(client, policy, rows, members, start, true, redis.pid()));
                }
                // The nightly step after the imports: co-purchase statistics from every profile's purchases.
                RecsBuild.Summary recs = new RecsBuild(store, java.time.ZoneId.of("Asia/Tokyo"),
                        io.tsunagu.recs.ModelBuilder.Settings.DEFAULT, "loader-bench").run();
                System.out.printf(Locale.ROOT, "build-recs: %,d purchases of %,d profiles, %,d baskets, %,d items in %.1f s%n",
                        recs.purchases(), recs.profiles(), recs.model().baskets(), recs.model().size(), recs.millis() / 1000.0);
                out.put("build_recs", Map.of("purchases", recs.purchases(), "profiles", recs.profiles(), "baskets",
                        recs.model().baskets(), "items", recs.model().size(), "seconds", recs.millis() / 1000.0));
                // Where Redis spent its time: per command, including the calls the script made.
                Map<String, String> commands = RedisStats.read(redis.port());
                out.put("redis_commandstats", commands);
                commands.forEach((k, v) -> System.out.println("  " + k + ": " + v));
            } finally {
                client.close();
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        return out;
    }

    private static Map<String, Object> measure(String name, Importer importer, Feed feed, Path file, boolean force,
            long redisPid, int rows, Path work) throws Exception {
        long redisCpu = cpu(redisPid);
        long rewritesCpu = CpuMeter.childrenCpuNanos(redisPid);
        long ownCpu = cpu(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        long[] applying = {0}; // when the second pass began: the first pass checks, the second writes
        ImportRun run = importer.run(feed, file, force, work.resolve("pos_bench.errors.csv"), (f, r, b, total, started) -> {
            if (applying[0] == 0 && f.endsWith("(importing)")) {
                applying[0] = started;
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", run.status());
        m.put("applied", run.applied());
        m.put("duplicate", run.duplicate());
        m.put("seconds", Report.round3(seconds));
        m.put("checking_seconds", Report.round3((applying[0] - t0) / 1e9));
        m.put("rows_per_second", Math.round(rows / seconds));
        m.put("redis_cpu_us_per_row", Report.round3((cpu(redisPid) - redisCpu) / 1000.0 / rows));
        m.put("loader_cpu_us_per_row", Report.round3((cpu(ProcessHandle.current().pid()) - ownCpu) / 1000.0 / rows));
        // Redis's append-only-file rewrites (forked; counted when they end): CPU the import costs besides.
        m.put("redis_rewrites_cpu_us_per_row", Report.round3((CpuMeter.childrenCpuNanos(redisPid) - rewritesCpu) / 1000.0 / rows));
        // Memory does not grow with the file: run with a small heap (TSUNAGU_JAVA_OPTS=-Xmx256m) to see it.
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        System.out.printf(Locale.ROOT, "%-18s %s: %,d applied, %,d duplicate in %.2f s (checking %.2f) = %,d rows/s;"
                + " CPU µs/row: redis %.1f (+ %.1f rewriting its file), loader %.1f; heap limit %d MB%n", name, run.status(),
                run.applied(), run.duplicate(), seconds, (double) m.get("checking_seconds"),
                Math.round(rows / seconds), (double) m.get("redis_cpu_us_per_row"), (double) m.get("redis_rewrites_cpu_us_per_row"),
                (double) m.get("loader_cpu_us_per_row"),
                (long) m.get("max_heap_mb"));
        return m;
    }

    /**
     * What Redis costs for these rows' writes with no script at all: each line's event added to its
     * member's list and its id to the member's id set by plain pipelined ZADDs — line by line in file
     * order, or grouped (each member's lines of the whole file in one ZADD per key, as if the file had
     * first been sorted by member). No duplicate check, no aggregates, the commands built before the
     * clock starts: a floor under any importer that keeps each event and its id, not a way to import.
     */
    private static Map<String, Object> floor(Redis client, ProfilePolicy policy, int rows, int members,
            LocalDateTime start, boolean grouped, long redisPid) throws Exception {
        ProfileKeys keys = new ProfileKeys(grouped ? "floor-grouped" : "floor-lines");
        ZoneId zone = ZoneId.of("Asia/Tokyo");
        List<List<Request>> batches = new ArrayList<>();
        if (grouped) {
            Map<String, List<String[]>> byMember = new HashMap<>();
            forEachLine(rows, members, start, p -> byMember.computeIfAbsent(p.member(), k -> new ArrayList<>())
                    .add(floorWrite(p, policy, zone)));
            List<Request> batch = new ArrayList<>();
            int lines = 0;
            for (Map.Entry<String, List<String[]>> e : byMember.entrySet()) {
                Request events = Request.cmd(Command.ZADD).arg(keys.base(e.getKey()) + ":e:purchase");
                Request ids = Request.cmd(Command.ZADD).arg(keys.base(e.getKey()) + ":i");
                for (String[] w : e.getValue()) {
                    events.arg(w[0]).arg(w[2]);
                    ids.arg(w[0]).arg(w[1]);
                }
                batch.add(events);
                batch.add(ids);
                lines += e.getValue().size();
                if (lines >= 2_000) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    lines = 0;
                }
            }
            batches.add(batch);
        } else {
            List<List<Request>> out = batches;
            List<Request>[] batch = new List[] {new ArrayList<Request>()};
            forEachLine(rows, members, start, p -> {
                String[] w = floorWrite(p, policy, zone);
                batch[0].add(Request.cmd(Command.ZADD).arg(keys.base(p.member()) + ":e:purchase").arg(w[0]).arg(w[2]));
                batch[0].add(Request.cmd(Command.ZADD).arg(keys.base(p.member()) + ":i").arg(w[0]).arg(w[1]));
                if (batch[0].size() == 1_000) {
                    out.add(batch[0]);
                    batch[0] = new ArrayList<>();
                }
            });
            batches.add(batch[0]);
        }
        long redisCpu = cpu(redisPid);
        long t0 = System.nanoTime();
        Deque<Future<List<Response>>> inFlight = new ArrayDeque<>();
        for (List<Request> b : batches) {
            inFlight.add(client.batch(b));
            while (inFlight.size() >= 4) {
                inFlight.poll().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
        while (!inFlight.isEmpty()) {
            inFlight.poll().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", Report.round3(seconds));
        m.put("rows_per_second", Math.round(rows / seconds));
        m.put("redis_cpu_us_per_row", Report.round3((cpu(redisPid) - redisCpu) / 1000.0 / rows));
        // The floor means something only if it wrote what the import wrote: compare one member's list.
        String member = String.format(Locale.ROOT, "M-%07d", 0);
        Request imported = Request.cmd(Command.ZRANGE).arg(new ProfileKeys(IMPORT_PREFIX).base(member) + ":e:purchase").arg(0).arg(-1);
        Request floored = Request.cmd(Command.ZRANGE).arg(keys.base(member) + ":e:purchase").arg(0).arg(-1);
        List<Response> lists = client.batch(List.of(imported, floored)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        boolean same = lists.get(0).toString().equals(lists.get(1).toString()) && lists.get(0).size() > 0;
        m.put("same_members_as_import", same);
        System.out.printf(Locale.ROOT, "%-18s plain ZADDs, %s: %.2f s = %,d rows/s; CPU µs/row: redis %.1f%s%n", "redis floor",
                grouped ? "a member's lines together" : "line by line", seconds, Math.round(rows / seconds),
                (double) m.get("redis_cpu_us_per_row"), same ? "" : " (WRONG: not what the import stored)");
        return m;
    }

    /** The same export with each member's lines together (in file order), as if sorted by member first. */
    private static void sortByMember(Path file, Path sorted) throws IOException {
        Charset sjis = Charset.forName("windows-31j");
        List<String> lines = Files.readAllLines(file, sjis);
        String header = lines.remove(0);
        lines.sort(java.util.Comparator.comparing(l -> l.split(",", 4)[2]));
        try (BufferedWriter w = Files.newBufferedWriter(sorted, sjis)) {
            w.write(header + "\r\n");
            for (String l : lines) {
                w.write(l + "\r\n");
            }
        }
    }

    /** A line's score, event id and stored member, as the importer makes them. */
    private static String[] floorWrite(PosLine p, ProfilePolicy policy, ZoneId zone) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("channel", "store");
        props.put("store_id", STORES[p.store()]);
        props.put("product_id", "P-" + p.product());
        props.put("brand", BRANDS[p.product() % BRANDS.length]);
        props.put("category", CATEGORIES[p.product() % CATEGORIES.length]);
        props.put("amount", (double) p.amount());
        long ts = p.at().atZone(zone).toInstant().toEpochMilli();
        Event e = Event.unshared("pos:R" + p.receipt() + ":" + p.line(), "purchase", ts, props);
        return new String[] {Long.toString(ts), e.id(), StoredEvent.of(e, policy).member()};
    }

    private static long cpu(long pid) {
        return CpuMeter.cpuNanos(pid);
    }

    /** One line of the benchmark's POS export. */
    private record PosLine(long receipt, int line, String member, LocalDateTime at, int store, int product, int amount) {
    }

    private static final String[] STORES = {"shibuya", "ginza", "umeda", "sapporo", "hakata"};
    private static final String[] STORE_NAMES = {"渋谷店", "銀座店", "梅田店", "札幌店", "博多店"};
    private static final String[] BRANDS = {"kumo", "hoshi", "nami", "sora", "yama", "kaze"};
    private static final String[] CATEGORIES = {"shirts", "knit", "pants", "outerwear", "shoes", "bags", "accessories"};

    /** Receipts in time order over 90 days, from five stores, members drawn at random; 1–4 lines each. */
    private static void forEachLine(int rows, int members, LocalDateTime start, Consumer<PosLine> sink) {
        Random r = new Random(7);
        long span = 90L * 86_400;
        int written = 0;
        long receipt = 0;
        while (written < rows) {
            receipt++;
            int lines = Math.min(rows - written, 1 + r.nextInt(4));
            String member = String.format(Locale.ROOT, "M-%07d", r.nextInt(members));
            int s = r.nextInt(STORES.length);
            LocalDateTime at = start.plusSeconds(span * written / rows);
            for (int l = 1; l <= lines; l++) {
                int product = r.nextInt(5_000);
                sink.accept(new PosLine(receipt, l, member, at, s, product, 1_000 + r.nextInt(30) * 500));
            }
            written += lines;
        }
    }

    private static void writePos(Path file, int rows, int members, LocalDateTime start) throws Exception {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                Charset.forName("windows-31j")), 1 << 16)) {
            w.write("receipt_no,line_no,member_id,purchased_at,store_code,store_name,item_code,brand,category,amount\r\n");
            forEachLine(rows, members, start, p -> {
                try {
                    w.write("R" + p.receipt() + "," + p.line() + "," + p.member() + "," + p.at().format(f) + ","
                            + STORES[p.store()] + "," + STORE_NAMES[p.store()] + ",P-" + p.product() + ","
                            + BRANDS[p.product() % BRANDS.length] + "," + CATEGORIES[p.product() % CATEGORIES.length]
                            + "," + p.amount() + "\r\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
