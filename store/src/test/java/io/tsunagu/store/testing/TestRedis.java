package io.tsunagu.store.testing;

import io.tsunagu.store.RedisProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real Redis servers for tests (never a mock): one shared server per test JVM, started on first use
 * and stopped at exit, plus private ones for tests that stop and restart Redis. Tests keep apart by
 * using a fresh key prefix each.
 */
public final class TestRedis {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisProcess shared;

    private TestRedis() {
    }

    public static synchronized RedisProcess shared() {
        if (shared == null) {
            shared = start();
            RedisProcess s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        }
        return shared;
    }

    /** A Redis of the caller's own, in a fresh directory; the caller stops it. */
    public static RedisProcess start() {
        try {
            return RedisProcess.start(Files.createTempDirectory("tsunagu-redis"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts Redis again where a stopped one was (same port, same data). */
    public static RedisProcess restart(RedisProcess stopped) {
        try {
            return RedisProcess.start(stopped.dir(), stopped.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key prefix no other test uses. */
    public static String prefix() {
        return "t" + ProcessHandle.current().pid() + "x" + PREFIXES.incrementAndGet();
    }

    public static Path tempDir(String name) {
        try {
            return Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
