package io.tsunagu.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A private Redis server, bound to 127.0.0.1, for when no Redis is configured (and for tests):
 * {@code redis-server} from PATH if there is one, else the binary the {@code embedded-redis} package
 * from Maven Central carries. Data lives in the given directory with the append-only file on, so
 * nothing is lost across restarts. Stopping it (SIGTERM) lets Redis flush the AOF.
 */
public final class RedisProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private RedisProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts Redis on a free port. */
    public static RedisProcess start(Path dir) throws IOException {
        return start(dir, freePort());
    }

    /** Starts Redis on {@code port} with its files in {@code dir}; waits until it answers PING. */
    public static RedisProcess start(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        Path binary = binary();
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--dir", dir.toAbsolutePath().toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--daemonize", "no",
                "--logfile", "redis.log"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.out").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server (" + binary + ") exited with " + p.exitValue() + "; see "
                        + dir.resolve("redis.log"));
            }
            if (ping(port)) {
                return new RedisProcess(p, port, dir);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not answer on port " + port + " within 15 s; see " + dir.resolve("redis.log"));
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The operating system's process id (for measuring what the process uses). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops Redis: SIGTERM, so it writes out the AOF; forcibly after 10 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static boolean ping(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[7];
            int n = s.getInputStream().read(buf);
            return n >= 5 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code redis-server} on PATH, else the binary extracted once from the embedded-redis jar. */
    static Path binary() throws IOException {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        String resource = bundledName();
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "tsunagu-" + System.getProperty("user.name"), resource);
        if (Files.isExecutable(cache)) {
            return cache;
        }
        try (InputStream in = RedisProcess.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException("no redis-server on PATH and no bundled binary " + resource
                        + "; install Redis (apt-get install redis-server) or set TSUNAGU_REDIS_URL");
            }
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), resource, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setExecutable(true);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return cache;
    }

    private static String bundledName() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IOException("no bundled Redis for " + os + "/" + arch + "; set TSUNAGU_REDIS_URL");
    }
}
