package io.tsunagu.server;

import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live rule set, and hot reload: once a second a worker thread hashes the rules directory; when
 * it changed, the rules are loaded off the event loop and swapped in atomically. A broken change keeps
 * the last good rule set; its errors are logged and reported by {@link #status()}.
 */
public final class RulesHolder {

    private static final Logger LOG = LoggerFactory.getLogger(RulesHolder.class);

    /** What the admin API reports about the rules. */
    public record Status(String fingerprint, Instant loadedAt, String summary, List<Problem> warnings,
            Instant rejectedAt, List<Problem> rejected) {
    }

    private final Path dir;
    private final Metrics metrics;
    private final AtomicReference<RuleSet> current = new AtomicReference<>();
    private volatile Status status;
    private volatile String directoryHash = "";
    private long timer = -1;

    public RulesHolder(Path dir, Metrics metrics) {
        this.dir = dir;
        this.metrics = metrics;
    }

    /** Loads the rules at start-up; throws if they do not load (the server must not start without rules). */
    public RuleSet loadInitial() throws RuleLoadException {
        directoryHash = hash();
        RuleSet rules = RuleSetLoader.load(dir);
        swap(rules);
        return rules;
    }

    public RuleSet current() {
        return current.get();
    }

    public Status status() {
        return status;
    }

    /** Checks the directory every second; call from a Vert.x context. */
    public void watch(Vertx vertx) {
        timer = vertx.setPeriodic(1_000, t -> vertx.executeBlocking(() -> {
            reloadIfChanged(false);
            return null;
        }, false));
    }

    public void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reloads now (admin request); runs off the event loop. */
    public Future<Status> reload(Vertx vertx) {
        return vertx.executeBlocking(() -> {
            reloadIfChanged(true);
            return status;
        }, false);
    }

    private synchronized void reloadIfChanged(boolean force) {
        String h = hash();
        if (!force && h.equals(directoryHash)) {
            return;
        }
        directoryHash = h;
        try {
            RuleSet rules = RuleSetLoader.load(dir);
            swap(rules);
            LOG.info("rules reloaded: {}", rules);
        } catch (RuleLoadException e) {
            reject(e.errors());
            LOG.warn("rules change rejected, keeping the last good rules ({} errors):", e.errors().size());
            for (Problem p : e.errors()) {
                LOG.warn("  {}", p);
            }
        } catch (RuntimeException e) {
            // A bug in the loader, not in the rules: still keep the last good rules and say so, rather than
            // failing the watcher's task unseen (the status would still say "ok").
            reject(List.of(new Problem(new Loc(dir.toString(), 0, 0),
                    "the rules could not be loaded because of an internal error; the server log has the details")));
            LOG.error("rules change rejected by an internal error, keeping the last good rules", e);
        }
    }

    private void reject(List<Problem> errors) {
        metrics.rulesReloadFailures.increment();
        Status s = status;
        status = new Status(s.fingerprint(), s.loadedAt(), s.summary(), s.warnings(), Instant.now(), errors);
    }

    private void swap(RuleSet rules) {
        current.set(rules);
        metrics.rulesReloads.increment();
        status = new Status(rules.fingerprint(), Instant.now(), rules.toString(), rules.warnings(), null, List.of());
        for (Problem w : rules.warnings()) {
            LOG.info("rules warning: {}", w);
        }
    }

    /** A hash of every file's path and contents under the directory. */
    private String hash() {
        try (Stream<Path> files = Files.walk(dir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                md.update(dir.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable:" + e.getMessage();
        }
    }
}
