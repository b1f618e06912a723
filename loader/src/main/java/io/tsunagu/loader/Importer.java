package io.tsunagu.loader;

import io.tsunagu.loader.feed.Feed;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.store.ApplyResult;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.StoredEvent;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Imports one file through one feed, so that a bad file changes nothing and no file counts twice:
 *
 * <ol>
 * <li>the file's sha256 is looked up in the history: a file imported before is skipped (unless forced);
 * <li>a first pass reads every row and writes the bad ones to the errors file; a bad header, an
 *     unreadable file or more bad rows than the feed allows rejects the file before anything is written;
 * <li>a second pass applies the good rows in pipelined batches through the store's scripts: each event
 *     is stored only if its id (feed + key columns) is new, attributes and products are plain sets — so
 *     a forced re-import, or a run again after a crash, changes nothing that was already applied;
 * <li>each batch tells the servers which profiles changed, so their caches drop them within a second.
 * </ol>
 * An events file's first pass also keeps its good rows, ready to send, in {@link MemberOrder} (on a
 * second thread: {@link EventKeeper}): the second pass takes them from there with each member's rows
 * together instead of reading the file again. Memory does not grow with the file (rows beyond a
 * budget wait in temporary files).
 */
public final class Importer {

    static final int BATCH_ROWS = 2_000;
    /** A member's events in one script call at most: Redis runs a call whole (500 events: ~10 ms). */
    static final int MAX_PROFILE_EVENTS = 500;
    private static final int IN_FLIGHT = 4;
    private static final int FIRST_ERRORS = 10;
    private static final long TIMEOUT_S = 60;

    /** Progress of a pass ("checking", then "importing"): rows done, bytes read of the file's size. */
    public interface Progress {
        void update(String file, long rows, long bytesRead, long bytesTotal, long startedNanos);

        Progress NONE = (f, r, b, t, s) -> {
        };
    }

    private final RedisProfileStore store;
    private final ProfileKeys keys;
    private final ProfilePolicy policy;
    private final String origin;
    private final ImportHistory history;
    private final long orderBudget;
    private final Path orderDir;

    public Importer(RedisProfileStore store, ProfilePolicy policy, ImportHistory history) {
        this(store, policy, history, MemberOrder.DEFAULT_BUDGET, null);
    }

    /**
     * With {@code orderBudget} bytes of an events file's rows held in memory and the rest in a temporary
     * directory made in {@code orderDir} (null: the system's); see {@link MemberOrder}.
     */
    Importer(RedisProfileStore store, ProfilePolicy policy, ImportHistory history, long orderBudget, Path orderDir) {
        this.store = store;
        this.keys = store.keys();
        this.policy = policy;
        this.history = history;
        this.orderBudget = orderBudget;
        this.orderDir = orderDir;
        this.origin = "loader-" + HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /**
     * Imports {@code file} through {@code feed}; bad rows go to {@code errorsFile} (created only when
     * there are some).
     */
    public ImportRun run(Feed feed, Path file, boolean force, Path errorsFile, Progress progress) throws Exception {
        long started = System.currentTimeMillis();
        String runId = newRunId(started);
        String name = name(file);
        String sha;
        try {
            sha = FeedFile.sha256(file);
        } catch (IOException e) {
            return history.record(new ImportRun(runId, feed.name(), name, null, ImportRun.REJECTED, 0, 0, 0, 0, 0, started,
                    System.currentTimeMillis(), List.of("cannot read " + file + ": " + FeedFile.reason(e)), null));
        }
        if (!force) {
            ImportRun before = history.importedBy(sha);
            if (before != null) {
                return history.record(new ImportRun(runId, feed.name(), name, sha, ImportRun.SKIPPED, 0, 0, 0, 0, 0, started,
                        System.currentTimeMillis(), List.of("already imported by run " + before.id() + " ("
                                + before.file() + "); --force imports it again, counting nothing twice"), null));
            }
        }
        try (MemberOrder order = feed.kind() == Feed.Kind.EVENTS ? new MemberOrder(orderBudget, orderDir) : null) {
            return run(feed, file, errorsFile, progress, order, runId, name, sha, started);
        }
    }

    private ImportRun run(Feed feed, Path file, Path errorsFile, Progress progress, MemberOrder order, String runId,
            String name, String sha, long started) throws Exception {
        // Pass 1: validate.
        Validation v;
        try {
            v = validate(feed, file, errorsFile, progress, order);
        } catch (FeedFile.Rejected e) {
            return history.record(new ImportRun(runId, feed.name(), name, sha, ImportRun.REJECTED, 0, 0, 0, 0, 0, started,
                    System.currentTimeMillis(), List.of(e.getMessage()), withReason(errorsFile, e.getMessage())));
        }
        String errorsPath = v.bad > 0 ? errorsFile.toString() : null;
        if (!feed.maxBadRows().allows(v.bad, v.rows)) {
            List<String> errors = new ArrayList<>();
            errors.add(v.bad + " of " + v.rows + " rows are bad, more than the feed allows (max_bad_rows: "
                    + feed.maxBadRows() + "): nothing was imported");
            errors.addAll(v.first);
            return history.record(new ImportRun(runId, feed.name(), name, sha, ImportRun.REJECTED, v.rows, 0, 0, v.bad, 0,
                    started, System.currentTimeMillis(), errors, errorsPath));
        }
        // Pass 2: apply.
        ImportRun running = new ImportRun(runId, feed.name(), name, sha, ImportRun.RUNNING, v.rows, 0, 0, v.bad, 0,
                started, 0, v.first, errorsPath);
        history.record(running);
        Counts c = new Counts();
        try {
            if (order != null) {
                apply(order, file.getFileName() + " (importing)", c, progress);
            } else {
                apply(feed, file, c, progress);
            }
        } catch (Exception e) {
            List<String> errors = new ArrayList<>(v.first);
            errors.add(0, "stopped part-way: " + e.getMessage() + "; import the file again to complete it");
            return history.record(new ImportRun(runId, feed.name(), name, sha, ImportRun.FAILED, v.rows, c.applied,
                    c.duplicate, v.bad, c.tooOld, started, System.currentTimeMillis(), errors, errorsPath));
        }
        ImportRun done = new ImportRun(runId, feed.name(), name, sha, ImportRun.IMPORTED, v.rows, c.applied, c.duplicate,
                v.bad, c.tooOld, started, System.currentTimeMillis(), v.first, errorsPath);
        history.markImported(done);
        return history.record(done);
    }

    private static String name(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    /**
     * The errors file of a file rejected part-way through the check (a record that cannot be read), or
     * null if no bad row came before it: the bad rows found so far, then the reason for the whole file,
     * so that whoever opens it sees why nothing was imported.
     */
    private static String withReason(Path errorsFile, String reason) throws IOException {
        if (!Files.exists(errorsFile)) {
            return null;
        }
        Files.writeString(errorsFile, ",,," + csv(reason) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return errorsFile.toString();
    }

    private static String newRunId(long now) {
        return Long.toString(now, 36) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
    }

    private record Validation(long rows, long bad, List<String> first) {
    }

    /** Finds the bad rows; with an {@code order}, keeps the good rows' events in it. */
    private Validation validate(Feed feed, Path file, Path errorsFile, Progress progress, MemberOrder order)
            throws IOException, FeedFile.Rejected {
        long size = Files.size(file);
        long t0 = System.nanoTime();
        String label = file.getFileName() + " (checking)";
        long rows = 0;
        long bad = 0;
        List<String> first = new ArrayList<>();
        try {
            // An errors file left by an earlier run of this file would read as this run's.
            Files.deleteIfExists(errorsFile);
        } catch (IOException e) {
            throw new FeedFile.Rejected("an earlier errors file cannot be removed: " + errorsFile + ": " + FeedFile.reason(e));
        }
        BufferedWriter errors = null;
        try (FeedFile in = order != null ? new FeedFile(feed, file) : new FeedFile(feed, file).checkOnly();
                EventKeeper keeper = order != null ? new EventKeeper(order, policy) : null) {
            for (FeedFile.Row row; (row = in.next()) != null;) {
                rows++;
                if ((rows & 0xfff) == 0) {
                    progress.update(label, rows, in.bytesRead(), size, t0);
                }
                if (!row.bad()) {
                    if (keeper != null) {
                        keeper.add(row.id(), row.event());
                    }
                    continue;
                }
                bad++;
                if (errors == null) {
                    try {
                        Files.createDirectories(errorsFile.toAbsolutePath().getParent());
                        errors = Files.newBufferedWriter(errorsFile, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new FeedFile.Rejected(name(file) + " has bad rows, and the file for them cannot be written: "
                                + errorsFile + ": " + FeedFile.reason(e));
                    }
                    errors.write("line,column,value,reason\n");
                }
                for (FeedFile.Problem p : row.problems()) {
                    errors.write(p.line() + "," + csv(p.column()) + "," + csv(p.value()) + "," + csv(p.reason()) + "\n");
                    if (first.size() < FIRST_ERRORS) {
                        first.add("line " + p.line() + (p.column().isEmpty() ? "" : ", column " + p.column()) + ": "
                                + p.reason());
                    }
                }
            }
            if (keeper != null) {
                keeper.finish();
            }
        } finally {
            if (errors != null) {
                errors.close();
            }
        }
        if (bad == 0) {
            Files.deleteIfExists(errorsFile);
        }
        return new Validation(rows, bad, List.copyOf(first));
    }

    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static final class Counts {
        long applied;
        long duplicate;
        long tooOld;
    }

    private void apply(Feed feed, Path file, Counts counts, Progress progress) throws Exception {
        long size = Files.size(file);
        long t0 = System.nanoTime();
        Deque<Future<Void>> inFlight = new ArrayDeque<>();
        try (FeedFile in = new FeedFile(feed, file)) {
            List<FeedFile.Row> batch = new ArrayList<>(BATCH_ROWS);
            for (FeedFile.Row row; (row = in.next()) != null;) {
                if (row.bad()) {
                    continue;
                }
                batch.add(row);
                if (batch.size() == BATCH_ROWS) {
                    inFlight.add(send(feed, batch, counts));
                    batch = new ArrayList<>(BATCH_ROWS);
                    while (inFlight.size() >= IN_FLIGHT) {
                        await(inFlight.poll());
                    }
                    progress.update(file.getFileName() + " (importing)", in.rows(), in.bytesRead(), size, t0);
                }
            }
            if (!batch.isEmpty()) {
                inFlight.add(send(feed, batch, counts));
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.poll());
            }
            progress.update(file.getFileName() + " (importing)", in.rows(), size, size, t0);
        }
        if (feed.kind() == Feed.Kind.CATALOG) {
            await(store.publishChanges(origin, List.of(ProfileKeys.CATALOG_CHANGED)));
        } else if (feed.kind() == Feed.Kind.COUPONS) {
            await(store.publishChanges(origin, List.of(ProfileKeys.COUPONS_CHANGED)));
        }
    }

    /**
     * Applies an events file's good rows in member order: a member's rows go in one script call (up to
     * {@link #MAX_PROFILE_EVENTS}), batches end between members.
     */
    private void apply(MemberOrder order, String label, Counts counts, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        long total = order.size();
        long done = 0;
        Deque<Future<Void>> inFlight = new ArrayDeque<>();
        MemberOrder.Cursor rows = order.rows();
        List<RedisProfileStore.Apply> batch = new ArrayList<>();
        int batchRows = 0;
        String pid = null;
        List<StoredEvent> events = null;
        for (MemberOrder.Row row; (row = rows.next()) != null;) {
            if (!row.pid().equals(pid) || events.size() == MAX_PROFILE_EVENTS) {
                if (batchRows >= BATCH_ROWS) {
                    inFlight.add(sendEvents(batch, counts));
                    done += batchRows;
                    batch = new ArrayList<>();
                    batchRows = 0;
                    while (inFlight.size() >= IN_FLIGHT) {
                        await(inFlight.poll());
                    }
                    progress.update(label, done, done, total, t0);
                }
                pid = row.pid();
                events = new ArrayList<>(4);
                batch.add(new RedisProfileStore.Apply(pid, events));
            }
            events.add(row.event());
            batchRows++;
        }
        if (!batch.isEmpty()) {
            inFlight.add(sendEvents(batch, counts));
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.poll());
        }
        progress.update(label, total, total, total, t0);
    }

    /** One batch of profiles' events, pipelined: the script calls, then one change notification naming them. */
    private Future<Void> sendEvents(List<RedisProfileStore.Apply> profiles, Counts counts) {
        List<Request> requests = new ArrayList<>(store.applyRequests(profiles, policy, System.currentTimeMillis()));
        int calls = requests.size();
        Set<String> changed = new LinkedHashSet<>();
        for (RedisProfileStore.Apply a : profiles) {
            changed.add(a.pid());
        }
        requests.add(store.changesRequest(origin, changed));
        return store.batch(requests).map(responses -> {
            synchronized (counts) {
                for (int i = 0; i < calls; i++) {
                    ApplyResult a = RedisProfileStore.result(responses.get(i));
                    counts.applied += a.applied();
                    counts.duplicate += a.duplicates();
                    counts.tooOld += a.tooOld();
                }
            }
            return null;
        });
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** One batch of an attributes, catalog or coupons file, pipelined: the writes, then the change notification. */
    private Future<Void> send(Feed feed, List<FeedFile.Row> rows, Counts counts) {
        List<Request> requests = new ArrayList<>();
        Set<String> changed = new LinkedHashSet<>();
        switch (feed.kind()) {
            case ATTRIBUTES -> {
                for (FeedFile.Row r : rows) {
                    requests.addAll(attributeRequests(r.id(), r.values()));
                    changed.add(r.id());
                }
            }
            case CATALOG -> {
                Request set = Request.cmd(Command.HSET).arg(keys.catalog());
                for (FeedFile.Row r : rows) {
                    Map<String, Object> product = new LinkedHashMap<>();
                    product.put("id", r.id());
                    product.putAll(r.values());
                    set.arg(r.id()).arg(EventCodec.encodeValue(product));
                }
                requests.add(set);
            }
            case COUPONS -> {
                List<String> codes = new ArrayList<>(rows.size());
                for (FeedFile.Row r : rows) {
                    codes.add(r.id());
                }
                requests.add(store.addCouponsRequest(feed.pool(), codes));
            }
            default -> throw new IllegalStateException(feed.kind().toString());
        }
        if (!changed.isEmpty()) {
            requests.add(store.changesRequest(origin, changed));
        }
        return store.batch(requests).map(responses -> {
            synchronized (counts) {
                if (feed.kind() == Feed.Kind.COUPONS) {
                    // A code imported before is not added again.
                    counts.applied += responses.get(0).get(0).toLong();
                    counts.duplicate += responses.get(0).get(1).toLong();
                } else {
                    counts.applied += rows.size();
                }
            }
            return null;
        });
    }

    /** An attributes row: set the values it has, clear the ones it leaves empty. */
    private List<Request> attributeRequests(String pid, Map<String, Object> values) {
        List<Request> out = new ArrayList<>(2);
        Request set = store.attributesRequest(pid, values);
        if (set != null) {
            out.add(set);
        }
        Request del = Request.cmd(Command.HDEL).arg(keys.attributes(pid));
        boolean any = false;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() == null) {
                del.arg(e.getKey());
                any = true;
            }
        }
        if (any) {
            out.add(del);
        }
        return out;
    }
}
