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
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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

    private LoaderBench() {
    }

    static Map<String, Object> run(Path root, Path work, int rows, int members) throws Exception {
        Path file = work.resolve("pos_bench.csv");
        long t0 = System.nanoTime();
        writePos(file, rows, members);
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
                RedisProfileStore store = new RedisProfileStore(client, new ProfileKeys("lb"));
                store.prepare().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                Importer importer = new Importer(store, policy, new ImportHistory(store));
                out.put("first_import", measure("import", importer, feed, file, false, redis.pid(), rows, work));
                out.put("forced_reimport", measure("forced re-import", importer, feed, file, true, redis.pid(), rows, work));
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
        long ownCpu = cpu(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        ImportRun run = importer.run(feed, file, force, work.resolve("pos_bench.errors.csv"), Importer.Progress.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", run.status());
        m.put("applied", run.applied());
        m.put("duplicate", run.duplicate());
        m.put("seconds", Report.round3(seconds));
        m.put("rows_per_second", Math.round(rows / seconds));
        m.put("redis_cpu_us_per_row", Report.round3((cpu(redisPid) - redisCpu) / 1000.0 / rows));
        m.put("loader_cpu_us_per_row", Report.round3((cpu(ProcessHandle.current().pid()) - ownCpu) / 1000.0 / rows));
        // Memory does not grow with the file: run with a small heap (TSUNAGU_JAVA_OPTS=-Xmx256m) to see it.
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        System.out.printf(Locale.ROOT, "%-18s %s: %,d applied, %,d duplicate in %.2f s = %,d rows/s; CPU µs/row: redis %.1f,"
                + " loader %.1f; heap limit %d MB%n", name, run.status(), run.applied(), run.duplicate(), seconds,
                Math.round(rows / seconds), (double) m.get("redis_cpu_us_per_row"), (double) m.get("loader_cpu_us_per_row"),
                (long) m.get("max_heap_mb"));
        return m;
    }

    private static long cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos()).orElse(0L);
    }

    /** Receipts in time order over 90 days, from five stores, members drawn at random; 1–4 lines each. */
    private static void writePos(Path file, int rows, int members) throws Exception {
        Random r = new Random(7);
        String[] stores = {"shibuya", "ginza", "umeda", "sapporo", "hakata"};
        String[] storeNames = {"渋谷店", "銀座店", "梅田店", "札幌店", "博多店"};
        String[] brands = {"kumo", "hoshi", "nami", "sora", "yama", "kaze"};
        String[] categories = {"shirts", "knit", "pants", "outerwear", "shoes", "bags", "accessories"};
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
        LocalDateTime start = LocalDateTime.now().minusDays(90).withNano(0);
        long span = 90L * 86_400;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                Charset.forName("windows-31j")), 1 << 16)) {
            w.write("receipt_no,line_no,member_id,purchased_at,store_code,store_name,item_code,brand,category,amount\r\n");
            int written = 0;
            long receipt = 0;
            while (written < rows) {
                receipt++;
                int lines = Math.min(rows - written, 1 + r.nextInt(4));
                String member = String.format(Locale.ROOT, "M-%07d", r.nextInt(members));
                int s = r.nextInt(stores.length);
                String at = start.plusSeconds(span * written / rows).format(f);
                for (int l = 1; l <= lines; l++) {
                    int product = r.nextInt(5_000);
                    w.write("R" + receipt + "," + l + "," + member + "," + at + "," + stores[s] + "," + storeNames[s] + ",P-"
                            + product + "," + brands[product % brands.length] + "," + categories[product % categories.length]
                            + "," + (1_000 + r.nextInt(30) * 500) + "\r\n");
                }
                written += lines;
            }
        }
    }
}
