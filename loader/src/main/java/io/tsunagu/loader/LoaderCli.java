package io.tsunagu.loader;

import io.tsunagu.loader.feed.Feed;
import io.tsunagu.loader.feed.FeedsLoader;
import io.tsunagu.recs.ModelBuilder;
import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.source.Durations;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.SharedRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code tsunagu loader …}: offline CSV feeds into the profiles the server reads.
 *
 * <p>Where it writes: {@code --redis URL} or {@code TSUNAGU_REDIS_URL}; else the server's private
 * Redis under the data directory ({@code --data-dir} or {@code TSUNAGU_DATA_DIR}, default
 * {@code data}), started if no server is running. The profile policy (events kept per type,
 * aggregate dimensions) comes from the rules directory, as in the server.
 */
public final class LoaderCli {

    static final String USAGE = """
            usage: tsunagu loader import  [--feeds FILE] [--force] FEED FILE...
                   tsunagu loader watch   [--feeds FILE] [--settle 5s] [--interval 1s] [--once] INBOX
                   tsunagu loader history [--limit N]
                   tsunagu loader build-recs                      (co-purchase statistics for the servers' recommendations)
                   tsunagu loader demo-data DIR [--customers N]   (writes a demo retailer's exports and feeds file)
            options: --feeds FILE (default feeds.yaml)  --rules DIR (TSUNAGU_RULES_DIR, default rules)
                     --redis URL (TSUNAGU_REDIS_URL)     --data-dir DIR (TSUNAGU_DATA_DIR, default data)
                     --prefix P (TSUNAGU_REDIS_KEY_PREFIX, default ts)""";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Map<String, String> options = new HashMap<>();
    private final List<String> args = new ArrayList<>();
    private boolean force;
    private boolean once;

    LoaderCli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] argv) {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        int code = new LoaderCli(System.out, System.err, System.getenv()).run(argv);
        System.exit(code);
    }

    /** Runs a command; the exit code: 0 done, 1 a file was rejected or failed, 2 bad usage or setup. */
    int run(String[] argv) {
        if (argv.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String command = argv[0];
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--force")) {
                force = true;
            } else if (a.equals("--once")) {
                once = true;
            } else if (a.startsWith("--") && List.of("--feeds", "--rules", "--redis", "--data-dir", "--prefix", "--limit",
                    "--settle", "--interval", "--customers")
                    .contains(a)) {
                if (i + 1 >= argv.length) {
                    err.println("tsunagu loader: " + a + " needs a value\n" + USAGE);
                    return 2;
                }
                options.put(a.substring(2), argv[++i]);
            } else if (a.startsWith("--")) {
                err.println("tsunagu loader: unknown option " + a + "\n" + USAGE);
                return 2;
            } else {
                args.add(a);
            }
        }
        try {
            return switch (command) {
                case "import" -> importFiles();
                case "history" -> history();
                case "watch" -> watch();
                case "demo-data" -> demoData();
                case "build-recs" -> buildRecs();
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("tsunagu loader: unknown command \"" + command + "\"\n" + USAGE);
                    yield 2;
                }
            };
        } catch (SetupException e) {
            err.println("tsunagu loader: " + e.getMessage());
            return 2;
        }
    }

    /** A problem with the setup (feeds file, rules, Redis): reported without a stack trace. */
    static final class SetupException extends Exception {
        SetupException(String message) {
            super(message, null, false, false);
        }
    }

    private String setting(String option, String variable, String fallback) {
        String v = options.get(option);
        if (v == null) {
            v = env.get(variable);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** An option that has no environment variable. */
    private String option(String option, String fallback) {
        String v = options.get(option);
        return v == null || v.isBlank() ? fallback : v;
    }

    Map<String, Feed> feeds() throws SetupException {
        Path file = Path.of(setting("feeds", "TSUNAGU_FEEDS", "feeds.yaml"));
        try {
            return FeedsLoader.load(file);
        } catch (NoSuchFileException e) {
            throw new SetupException("no feeds file " + file + " (give one with --feeds FILE)");
        } catch (FeedsLoader.FeedsException e) {
            StringBuilder sb = new StringBuilder("the feeds file has errors:");
            for (Problem p : e.problems()) {
                sb.append("\n  ").append(p);
            }
            throw new SetupException(sb.toString());
        } catch (IOException e) {
            throw new SetupException("cannot read the feeds file " + file + ": " + e.getMessage());
        }
    }

    ProfilePolicy policy() throws SetupException {
        RuleSet rules = rules("using the default profile policy");
        return rules == null ? ProfilePolicy.DEFAULT : rules.policy();
    }

    /** The rule set (for its profile policy and zone), or null when there is no rules directory. */
    private RuleSet rules(String otherwise) throws SetupException {
        Path rules = Path.of(setting("rules", "TSUNAGU_RULES_DIR", "rules"));
        if (!Files.isDirectory(rules)) {
            err.println("tsunagu loader: no rules directory " + rules + "; " + otherwise);
            return null;
        }
        try {
            return RuleSetLoader.load(rules);
        } catch (RuleLoadException e) {
            throw new SetupException("the rules in " + rules + " have errors (the loader works under their settings):\n"
                    + e.getMessage());
        }
    }

    /** Redis, the store and what to close when done. */
    final class Connection implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final SharedRedis shared;
        final Redis redis;
        final RedisProfileStore store;

        Connection() throws SetupException {
            String url = setting("redis", "TSUNAGU_REDIS_URL", null);
            SharedRedis s = null;
            try {
                if (url == null) {
                    s = SharedRedis.open(Path.of(setting("data-dir", "TSUNAGU_DATA_DIR", "data")).resolve("redis"));
                    url = s.url();
                }
                shared = s;
                redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
                        .setProtocolNegotiation(false).setMaxPoolSize(8).setMaxPoolWaiting(1_000));
                store = new RedisProfileStore(redis, new ProfileKeys(setting("prefix", "TSUNAGU_REDIS_KEY_PREFIX", "ts")));
                store.prepare().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                close();
                throw new SetupException("cannot reach Redis at " + withoutPassword(url) + ": " + e.getMessage());
            }
        }

        /** Brings profiles an earlier version stored to the current layout before anything is written. */
        void migrate(ProfilePolicy policy) throws SetupException {
            try {
                long[] r = store.migrate(policy).toCompletionStage().toCompletableFuture().get(1, TimeUnit.HOURS);
                if (r != null && r[1] > 0) {
                    out.printf(Locale.ROOT, "stored profiles: %,d events of %,d profiles brought to the current layout%n",
                            r[1], r[0]);
                }
            } catch (Exception e) {
                throw new SetupException("cannot bring stored profiles to the current layout: " + e.getMessage());
            }
        }

        @Override
        public void close() {
            try {
                if (redis != null) {
                    redis.close();
                }
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
            if (shared != null) {
                shared.close();
            }
        }
    }

    /** A Redis URL fit for a message: {@code redis://user:secret@host} loses its secret. */
    static String withoutPassword(String url) {
        return url == null ? null : url.replaceFirst("^(\\w+://)([^@/]*)@", "$1***@");
    }

    private int importFiles() throws SetupException {
        if (args.size() < 2) {
            err.println("tsunagu loader import: give a feed and at least one file\n" + USAGE);
            return 2;
        }
        Map<String, Feed> feeds = feeds();
        Feed feed = feeds.get(args.get(0));
        if (feed == null) {
            throw new SetupException("no feed \"" + args.get(0) + "\" in the feeds file; it has: "
                    + String.join(", ", feeds.keySet()));
        }
        ProfilePolicy policy = policy();
        int code = 0;
        try (Connection c = new Connection()) {
            c.migrate(policy);
            Importer importer = new Importer(c.store, policy, new ImportHistory(c.store));
            for (String f : args.subList(1, args.size())) {
                Path file = Path.of(f);
                Path errors = file.toAbsolutePath().resolveSibling(file.getFileName() + ".errors.csv");
                ImportRun run;
                try {
                    run = importer.run(feed, file, force, errors, progress());
                } catch (Exception e) {
                    err.println(file + ": " + e.getMessage());
                    code = 1;
                    continue;
                }
                clearProgress();
                out.println(summary(run));
                if (run.status().equals(ImportRun.REJECTED) || run.status().equals(ImportRun.FAILED)) {
                    code = 1;
                }
            }
        }
        return code;
    }

    private boolean progressShown;

    /** A progress line, redrawn in place, when a person is watching (a terminal). */
    private Importer.Progress progress() {
        if (System.console() == null) {
            return Importer.Progress.NONE;
        }
        long[] last = {0};
        return (file, rows, bytes, total, started) -> {
            long now = System.nanoTime();
            if (now - last[0] < 200_000_000L) {
                return;
            }
            last[0] = now;
            double s = (now - started) / 1e9;
            double rate = s > 0 ? rows / s : 0;
            double eta = bytes > 0 && s > 0 ? (total - bytes) * s / bytes : 0;
            err.printf(Locale.ROOT, "\r%s: %,d rows  %,.0f rows/s  ETA %.0f s   ", file, rows, rate, eta);
            progressShown = true;
        };
    }

    private void clearProgress() {
        if (progressShown) {
            err.print("\r\033[K");
            progressShown = false;
        }
    }

    static String summary(ImportRun r) {
        double s = Math.max(0.001, (r.finished() - r.started()) / 1000.0);
        StringBuilder sb = new StringBuilder();
        sb.append(r.file()).append(" (feed ").append(r.feed()).append("): ").append(r.status());
        switch (r.status()) {
            case ImportRun.IMPORTED, ImportRun.FAILED -> sb.append(String.format(Locale.ROOT,
                    " — %,d rows read, %,d applied, %,d duplicate, %,d rejected, %,d too old; %.1f s (%,.0f rows/s)",
                    r.read(), r.applied(), r.duplicate(), r.rejected(), r.tooOld(), s, r.read() / s));
            default -> {
            }
        }
        for (String e : r.errors()) {
            sb.append("\n  ").append(e);
        }
        if (r.errorsFile() != null) {
            sb.append("\n  bad rows: ").append(r.errorsFile());
        }
        return sb.toString();
    }

    private int watch() throws SetupException {
        if (args.size() != 1) {
            err.println("tsunagu loader watch: give the inbox directory\n" + USAGE);
            return 2;
        }
        Path inbox = Path.of(args.get(0));
        if (!Files.isDirectory(inbox)) {
            throw new SetupException("no inbox directory " + inbox);
        }
        long settle = Durations.parse(option("settle", "5s"));
        long interval = Durations.parse(option("interval", "1s"));
        if (settle < 0 || interval < 0) {
            throw new SetupException("--settle and --interval take durations such as 5s or 500ms");
        }
        Map<String, Feed> feeds = feeds();
        ProfilePolicy policy = policy();
        try (Connection c = new Connection()) {
            c.migrate(policy);
            Watcher w = new Watcher(inbox, feeds, new Importer(c.store, policy, new ImportHistory(c.store)),
                    once ? 0 : settle, out);
            if (once) {
                // Everything there now is taken as complete (for scripts and cron jobs).
                boolean allOk = true;
                for (Watcher.Handled h : w.poll()) {
                    allOk &= h.run() != null && !h.run().status().equals(ImportRun.REJECTED)
                            && !h.run().status().equals(ImportRun.FAILED);
                }
                return allOk ? 0 : 1;
            }
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                w.stop();
                try {
                    finished.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                w.run(Math.max(50, interval));
            } finally {
                finished.countDown();
            }
        } catch (IOException e) {
            throw new SetupException("cannot watch " + inbox + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("stopped watching " + inbox);
        return 0;
    }

    private int buildRecs() throws SetupException {
        if (!args.isEmpty()) {
            err.println("tsunagu loader build-recs: takes no files (it reads the purchases in Redis)\n" + USAGE);
            return 2;
        }
        RuleSet rules = rules("baskets are days in UTC");
        ZoneId zone = rules == null ? ZoneId.of("UTC") : rules.zone();
        try (Connection c = new Connection()) {
            RecsBuild.Summary s = new RecsBuild(c.store, zone, ModelBuilder.Settings.DEFAULT, "loader-build-recs").run();
            out.printf(Locale.ROOT, "recommendation model: %,d purchases of %,d profiles, %,d baskets, %,d items; %.1f s%n",
                    s.purchases(), s.profiles(), s.model().baskets(), s.model().size(), s.millis() / 1000.0);
            out.println("bought_together, tuned on these purchases: " + s.model().tuning());
        } catch (SetupException e) {
            throw e;
        } catch (Exception e) {
            err.println("tsunagu loader build-recs: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private int demoData() throws SetupException {
        if (args.size() != 1) {
            err.println("tsunagu loader demo-data: give the directory to write to\n" + USAGE);
            return 2;
        }
        int customers;
        try {
            customers = Integer.parseInt(option("customers", "2000"));
        } catch (NumberFormatException e) {
            throw new SetupException("--customers takes a number");
        }
        if (customers < 1 || customers > 10_000_000) {
            throw new SetupException("--customers takes a number from 1 to 10,000,000");
        }
        try {
            List<Path> files = new DemoDataGenerator(Path.of(args.get(0)), customers,
                    LocalDate.now(DemoDataGenerator.TOKYO), 42).write();
            for (Path f : files) {
                out.printf(Locale.ROOT, "%-50s %,12d bytes%n", f, Files.size(f));
            }
            out.println("import them with: tsunagu loader watch --feeds " + files.get(0) + " --once " + args.get(0));
        } catch (IOException e) {
            throw new SetupException("cannot write the demo data: " + e.getMessage());
        }
        return 0;
    }

    private int history() throws SetupException {
        int limit;
        try {
            limit = Integer.parseInt(option("limit", "50"));
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > ImportHistory.KEEP) {
            throw new SetupException("--limit takes a number from 1 to " + ImportHistory.KEEP);
        }
        try (Connection c = new Connection()) {
            List<ImportRun> runs = new ImportHistory(c.store).latest(limit);
            if (runs.isEmpty()) {
                out.println("no imports yet");
            }
            DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
            out.printf(Locale.ROOT, "%-19s  %-9s  %-12s  %-40s  %10s  %10s  %9s  %8s  %s%n", "started", "status", "feed",
                    "file", "read", "applied", "duplicate", "rejected", "sha256");
            for (ImportRun r : runs) {
                out.printf(Locale.ROOT, "%-19s  %-9s  %-12s  %-40s  %,10d  %,10d  %,9d  %,8d  %s%n",
                        time.format(Instant.ofEpochMilli(r.started())), r.status(), r.feed(), r.file(), r.read(),
                        r.applied(), r.duplicate(), r.rejected(), r.sha256() == null ? "" : r.sha256().substring(0, 12));
                if (!r.errors().isEmpty() && !r.status().equals(ImportRun.IMPORTED)) {
                    out.println("    " + r.errors().get(0));
                }
            }
        } catch (SetupException e) {
            throw e;
        } catch (Exception e) {
            throw new SetupException("cannot read the history: " + e.getMessage());
        }
        return 0;
    }
}
