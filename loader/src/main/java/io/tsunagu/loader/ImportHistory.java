package io.tsunagu.loader;

import io.tsunagu.store.EventCodec;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every import run, kept in Redis next to the profiles it changed (so the server's admin API and
 * {@code loader history} read the same list): run ids newest first, each run as JSON, and which
 * run imported each file's content (by sha256).
 */
public final class ImportHistory {

    /** Runs kept; older ones are forgotten. */
    static final int KEEP = 10_000;

    private final RedisProfileStore store;
    private final ProfileKeys keys;
    private final Set<String> listed = new HashSet<>();

    public ImportHistory(RedisProfileStore store) {
        this.store = store;
        this.keys = store.keys();
    }

    /** Saves a run (again, as it progresses); returns it. */
    ImportRun record(ImportRun run) throws Exception {
        List<Request> r = new ArrayList<>(3);
        r.add(Request.cmd(Command.HSET).arg(keys.importRuns()).arg(run.id()).arg(EventCodec.encodeValue(run.toMap())));
        if (listed.add(run.id())) {
            r.add(Request.cmd(Command.LPUSH).arg(keys.imports()).arg(run.id()));
            r.add(Request.cmd(Command.LTRIM).arg(keys.imports()).arg(0).arg(KEEP - 1));
        }
        await(store.batch(r));
        return run;
    }

    /** Remembers that this run imported its file's content. */
    void markImported(ImportRun run) throws Exception {
        await(store.batch(List.of(Request.cmd(Command.HSET).arg(keys.imported()).arg(run.sha256()).arg(run.id()))));
    }

    /** The run that imported content with this sha256, or null. */
    ImportRun importedBy(String sha256) throws Exception {
        Response id = await(store.batch(List.of(Request.cmd(Command.HGET).arg(keys.imported()).arg(sha256)))).get(0);
        if (id == null) {
            return null;
        }
        Response run = await(store.batch(List.of(Request.cmd(Command.HGET).arg(keys.importRuns()).arg(id.toString()))))
                .get(0);
        return run == null ? new ImportRun(id.toString(), "", "", sha256, ImportRun.IMPORTED, 0, 0, 0, 0, 0, 0, 0,
                List.of(), null) : parse(run);
    }

    /** The latest runs, newest first. */
    public List<ImportRun> latest(int limit) throws Exception {
        Response ids = await(store.batch(List.of(Request.cmd(Command.LRANGE).arg(keys.imports()).arg(0).arg(limit - 1))))
                .get(0);
        if (ids == null || ids.size() == 0) {
            return List.of();
        }
        Request get = Request.cmd(Command.HMGET).arg(keys.importRuns());
        for (int i = 0; i < ids.size(); i++) {
            get.arg(ids.get(i).toString());
        }
        Response runs = await(store.batch(List.of(get))).get(0);
        List<ImportRun> out = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i) != null) {
                out.add(parse(runs.get(i)));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static ImportRun parse(Response r) {
        return ImportRun.fromMap((Map<String, Object>) EventCodec.decodeValue(r.toString()));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
