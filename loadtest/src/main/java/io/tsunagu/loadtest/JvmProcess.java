package io.tsunagu.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server under test in its own JVM (same class path as the load test), stopped with SIGTERM. */
final class JvmProcess implements AutoCloseable {

    private static final boolean SHENANDOAH = supports("-XX:+UseShenandoahGC");

    private final Process process;
    final int port;
    final String name;

    private JvmProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /** Which collector a process runs with. */
    enum Gc {
        /** G1 with a large young generation: short-lived garbage only (the baseline). */
        THROUGHPUT,
        /** As {@code ./tsunagu server} runs: Shenandoah where the JDK has it (see the launcher). */
        SERVER
    }

    static JvmProcess start(String name, String mainClass, List<String> args, Map<String, String> env, int port, Path log,
            String readyPath, Gc gc) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Each at its best: the hello-world server allocates only garbage that dies young, which G1
        // with a large young generation collects cheaply (Shenandoah's pacing halves its throughput);
        // the decision server keeps fresh profile snapshots, which G1 must copy in long pauses.
        cmd.add("-Xms2g");
        cmd.add("-Xmx2g");
        if (gc == Gc.SERVER && SHENANDOAH) {
            cmd.add("-XX:+UseShenandoahGC");
        } else {
            cmd.add("-Xmn1g");
        }
        // e.g. a flight recording for profiling: -XX:StartFlightRecording=filename=/tmp/{name}.jfr
        String extra = System.getenv("TSUNAGU_LOADTEST_SERVER_OPTS");
        if (extra != null && !extra.isBlank()) {
            String label = log.getFileName().toString().replaceFirst("\\.log$", "");
            cmd.addAll(List.of(extra.trim().replace("{name}", label).split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        JvmProcess p = new JvmProcess(name, pb.start(), port);
        // Killed with the load test, however it ends (a timeout's SIGTERM skips try-with-resources).
        Runtime.getRuntime().addShutdownHook(new Thread(p::close));
        p.awaitReady(readyPath);
        return p;
    }

    private void awaitReady(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(1)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 500) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException(name + " did not answer on port " + port + " within 60 s");
    }

    private static boolean supports(String option) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), option,
                    "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
