package io.tsunagu.store.testing;

import io.tsunagu.store.RedisProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real Redis servers for tests (never a mock): one shared server per test JVM, started on first use
 * and stopped at exit, plus private ones for tests that stop and restart Redis. Tests keep apart by
 * using a fresh key prefix each. Directories made here (Redis's data, {@link #tempDir}) are deleted
 * when the test JVM exits.
 */
public final class TestRedis {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final List<Path> TEMP = new CopyOnWriteArrayList<>();
    private static RedisProcess shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestRedis::cleanUp));
    }

    private TestRedis() {
    }

    public static synchronized RedisProcess shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** At exit: the shared Redis stops, then the directories go (a private Redis left running keeps its files). */
    private static void cleanUp() {
        RedisProcess s;
        synchronized (TestRedis.class) {
            s = shared;
        }
        if (s != null) {
            s.stop();
        }
        for (Path dir : TEMP) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                // a file still in use, or already gone: leave the rest
            }
        }
    }

    /** A Redis of the caller's own, in a fresh directory; the caller stops it. */
    public static RedisProcess start() {
        try {
            return RedisProcess.start(tempDir("tsunagu-redis"));
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

    /** A fresh directory, deleted when the test JVM exits. */
    public static Path tempDir(String name) {
        try {
            Path dir = Files.createTempDirectory(name);
            TEMP.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
