package io.tsunagu.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs JavaScript tests with Node's test runner — the tag's unit tests in {@code client-js/}, the
 * browser tests in {@code e2e/} (playwright-core driving Debian's Chromium against a server a JUnit
 * test started) — and reads the TAP report case by case, so that each case is a test of its own in
 * the JUnit report.
 *
 * <p>A folder with a {@code package.json} gets its npm packages ({@code npm ci}) on first use;
 * Chromium itself must be at {@code /usr/bin/chromium} ({@code .ci/run} installs it) or where
 * {@code CHROMIUM} says.
 */
public final class NodeTests {

    /** One test case of the script: its name, whether it passed, and what the runner said about it. */
    public record Case(String name, boolean passed, String details) {
    }

    /** The whole run: its cases, exit code and output (for the message when something failed). */
    public record Run(List<Case> cases, int exitCode, String output) {
    }

    private static final Pattern RESULT = Pattern.compile("^(not )?ok \\d+ - (.*)$");

    private NodeTests() {
    }

    /**
     * Runs {@code node --test TARGET} in {@code FOLDER} of the repository with {@code env} added to this
     * process's environment. Screenshots go to {@code target/e2e-artifacts} of the module running it.
     */
    public static Run run(String folder, String target, Map<String, String> env, Duration timeout) {
        Path dir = ServerHarness.repoRoot().resolve(folder);
        if (Files.exists(dir.resolve("package.json"))) {
            installPackages(dir);
        }
        ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=tap", target).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("TSUNAGU_ARTIFACTS", Path.of("target/e2e-artifacts").toAbsolutePath().toString());
        try {
            Path log = Files.createTempFile("tsunagu-e2e", ".tap");
            log.toFile().deleteOnExit();
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(target + " did not finish within " + timeout + ":\n" + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            // Kept beside the screenshots: the whole report, console output included.
            Path report = Path.of("target/e2e-artifacts").resolve(folder + "-" + target.replaceAll("[^A-Za-z0-9.]", "_") + ".tap");
            Files.createDirectories(report.getParent());
            Files.move(log, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Run(parse(output), p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node --test " + target + " (is Node.js installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Top-level cases of a TAP report, with the lines reported under each (its error, for a failure). */
    static List<Case> parse(String tap) {
        List<Case> out = new ArrayList<>();
        StringBuilder details = new StringBuilder();
        for (String line : tap.split("\\R")) {
            Matcher m = RESULT.matcher(line);
            if (m.matches()) {
                out.add(new Case(m.group(2).trim(), m.group(1) == null, ""));
                details.setLength(0);
            } else if (!out.isEmpty() && line.startsWith("  ")) {
                Case last = out.get(out.size() - 1);
                details.append(line).append('\n');
                out.set(out.size() - 1, new Case(last.name(), last.passed(), details.toString()));
            }
        }
        return out;
    }

    private static synchronized void installPackages(Path e2e) {
        if (Files.isDirectory(e2e.resolve("node_modules"))) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(e2e.toFile())
                .redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("npm ci in " + e2e + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm ci in " + e2e + " (is npm installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
