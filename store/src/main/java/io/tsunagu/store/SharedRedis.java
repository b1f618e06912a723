package io.tsunagu.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The embedded default's Redis, shared through a data directory by the server and the loader. The
 * first process that needs it starts it and writes its port to {@code redis.port}; the others find it
 * there. Whoever is done releases it: the last user out (no other client connected) stops it. A file
 * lock makes finding, starting and stopping safe between processes.
 */
public final class SharedRedis implements AutoCloseable {

    private static final Object IN_PROCESS = new Object();

    private final Path dir;
    private final RedisProcess started;
    private final int port;
    private boolean closed;

    private SharedRedis(Path dir, RedisProcess started, int port) {
        this.dir = dir;
        this.started = started;
        this.port = port;
    }

    /** Finds the Redis running for {@code dir}, or starts one. */
    public static SharedRedis open(Path dir) throws IOException {
        Files.createDirectories(dir);
        synchronized (IN_PROCESS) {
            try (FileChannel ch = FileChannel.open(dir.resolve("redis.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                int running = runningPort(dir);
                if (running > 0) {
                    return new SharedRedis(dir, null, running);
                }
                RedisProcess p = RedisProcess.start(dir);
                Files.writeString(dir.resolve("redis.port"), Integer.toString(p.port()));
                return new SharedRedis(dir, p, p.port());
            }
        }
    }

    /** The port of a Redis that answers for {@code dir}, or 0. */
    static int runningPort(Path dir) {
        try {
            int port = Integer.parseInt(Files.readString(dir.resolve("redis.port")).strip());
            return RedisProcess.ping(port) ? port : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether this process started the Redis (else it found it running). */
    public boolean startedHere() {
        return started != null;
    }

    /**
     * Stops the Redis if no other client is connected (close this process's connections first);
     * otherwise leaves it to the others.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (IN_PROCESS) {
            try (FileChannel ch = FileChannel.open(dir.resolve("redis.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                int others = otherClients();
                if (others > 0) {
                    return;
                }
                Files.deleteIfExists(dir.resolve("redis.port"));
                if (started != null) {
                    started.stop();
                } else {
                    command("SHUTDOWN");
                }
            } catch (IOException e) {
                if (started != null) {
                    started.stop();
                }
            }
        }
    }

    /** Clients connected besides the one asking; -1 if Redis does not answer. */
    private int otherClients() {
        String list = command("CLIENT LIST");
        if (list == null) {
            return -1;
        }
        int lines = 0;
        for (String l : list.split("\n")) {
            if (l.startsWith("id=")) {
                lines++;
            }
        }
        return lines - 1;
    }

    /** Sends an inline command; the reply's text (a bulk string's content), or null. */
    private String command(String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder first = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n';) {
                first.append((char) c);
            }
            if (first.length() == 0 || first.charAt(0) != '$') {
                return first.toString().strip();
            }
            int len = Integer.parseInt(first.substring(1).strip());
            return len < 0 ? null : new String(in.readNBytes(len), StandardCharsets.UTF_8);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
