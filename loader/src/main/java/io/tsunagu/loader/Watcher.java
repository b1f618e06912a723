package io.tsunagu.loader;

import io.tsunagu.loader.feed.Feed;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code loader watch INBOX}: imports the files that arrive in a directory.
 *
 * <p>A file is taken when it is complete: it has a {@code NAME.done} marker beside it, or its size
 * and modification time have not changed for the settle time. Files are taken in name order (nightly
 * exports carry dates in their names). After the import a file moves to {@code archive/} (imported,
 * or skipped as already imported) or to {@code rejected/} with {@code NAME.errors.csv} (line, column,
 * value, reason); an import that stopped part-way (Redis went away) stays in the inbox and is tried
 * again, after 1 s, then twice as long each time up to five minutes. Restart-safe: the inbox is the state, and imports count nothing twice. Hidden files,
 * {@code .tmp}/{@code .part} files (uploads in progress) and YAML files (a feeds file kept with the
 * data) are left alone.
 */
public final class Watcher {

    /** Where a file went. */
    record Handled(Path file, ImportRun run, Path movedTo) {
    }

    private final Path inbox;
    private final Map<String, Feed> feeds;
    private final Importer importer;
    private final long settleMs;
    private final PrintStream log;
    private final Map<Path, long[]> seen = new HashMap<>();
    /** Files whose import failed (Redis away): {next attempt, backoff ms}. */
    private final Map<Path, long[]> retry = new HashMap<>();
    private volatile boolean stopped;

    public Watcher(Path inbox, Map<String, Feed> feeds, Importer importer, long settleMs, PrintStream log) {
        this.inbox = inbox;
        this.feeds = feeds;
        this.importer = importer;
        this.settleMs = settleMs;
        this.log = log;
    }

    /** Polls until {@link #stop}; finishes the file at hand first. */
    public void run(long pollMs) throws IOException, InterruptedException {
        log.println("watching " + inbox.toAbsolutePath() + " for " + String.join(", ", feeds.keySet()));
        while (!stopped) {
            try {
                poll();
            } catch (IOException e) {
                // A file moved away under us, a full disk, a permission: say so and keep watching.
                log.println("cannot process the inbox (" + e + "); trying again");
            }
            if (!stopped) {
                Thread.sleep(pollMs);
            }
        }
    }

    public void stop() {
        stopped = true;
    }

    /** Takes every complete file once, in name order. */
    List<Handled> poll() throws IOException {
        Files.createDirectories(inbox.resolve("archive"));
        Files.createDirectories(inbox.resolve("rejected"));
        List<Handled> out = new ArrayList<>();
        for (Path file : candidates()) {
            if (stopped) {
                break;
            }
            long[] r = retry.get(file);
            if (r != null && System.currentTimeMillis() < r[0]) {
                continue;
            }
            if (!complete(file)) {
                continue;
            }
            Handled h = handle(file);
            if (h.movedTo().equals(file)) {
                // Not imported: try again later, backing off up to five minutes.
                long backoff = r == null ? 1_000 : Math.min(300_000, r[1] * 2);
                retry.put(file, new long[] {System.currentTimeMillis() + backoff, backoff});
            } else {
                retry.remove(file);
            }
            out.add(h);
        }
        return out;
    }

    private List<Path> candidates() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(inbox)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !name.startsWith(".") && !name.endsWith(".done")
                        && !name.endsWith(".tmp") && !name.endsWith(".part") && !name.endsWith(".errors.csv")
                        && !name.endsWith(".yaml") && !name.endsWith(".yml")) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        seen.keySet().retainAll(files);
        retry.keySet().retainAll(files);
        return files;
    }

    private boolean complete(Path file) throws IOException {
        if (Files.exists(done(file))) {
            return true;
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        long[] now = {a.size(), a.lastModifiedTime().toMillis(), System.currentTimeMillis()};
        long[] before = seen.get(file);
        if (before == null || before[0] != now[0] || before[1] != now[1]) {
            seen.put(file, now);
            return settleMs == 0;
        }
        return System.currentTimeMillis() - before[2] >= settleMs;
    }

    private static Path done(Path file) {
        return file.resolveSibling(file.getFileName() + ".done");
    }

    private Handled handle(Path file) throws IOException {
        String name = file.getFileName().toString();
        seen.remove(file);
        Feed feed = feedFor(file);
        if (feed == null) {
            Path to = reject(file, List.of("no feed's file pattern matches " + name + " (patterns: "
                    + String.join(", ", feeds.values().stream().map(Feed::file).toList()) + ")"), null);
            log.println(name + ": rejected: no feed matches it");
            return new Handled(file, null, to);
        }
        Path errors = inbox.resolve(".tsunagu").resolve(name + ".errors.csv");
        Files.createDirectories(errors.getParent());
        ImportRun run;
        try {
            run = importer.run(feed, file, false, errors, Importer.Progress.NONE);
        } catch (Exception e) {
            log.println(name + ": not imported (" + e.getMessage() + "); will try again");
            return new Handled(file, null, file);
        }
        log.println(LoaderCli.summary(run));
        Path to;
        switch (run.status()) {
            case ImportRun.IMPORTED, ImportRun.SKIPPED -> {
                to = move(file, inbox.resolve("archive"));
                if (Files.exists(errors)) {
                    Files.move(errors, to.resolveSibling(to.getFileName() + ".errors.csv"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            case ImportRun.REJECTED -> to = reject(file, run.errors(), errors);
            default -> {
                // Failed part-way (Redis went away): the file stays, the next poll imports it again.
                return new Handled(file, run, file);
            }
        }
        Files.deleteIfExists(done(file));
        return new Handled(file, run, to);
    }

    private Feed feedFor(Path file) {
        for (Feed f : feeds.values()) {
            if (f.matches(file)) {
                return f;
            }
        }
        return null;
    }

    /** Moves the file to rejected/ with its errors file: the bad rows, or the reason for the whole file. */
    private Path reject(Path file, List<String> reasons, Path errors) throws IOException {
        Path to = move(file, inbox.resolve("rejected"));
        Path target = to.resolveSibling(to.getFileName() + ".errors.csv");
        if (errors != null && Files.exists(errors)) {
            Files.move(errors, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            StringBuilder sb = new StringBuilder("line,column,value,reason\n");
            for (String r : reasons) {
                sb.append(",,,").append(Importer.csv(r)).append('\n');
            }
            Files.writeString(target, sb.toString(), StandardCharsets.UTF_8);
        }
        Files.deleteIfExists(done(file));
        return to;
    }

    /** Moves into {@code dir}, keeping the name unless a file of that name is there already. */
    private static Path move(Path file, Path dir) throws IOException {
        Path to = dir.resolve(file.getFileName());
        if (Files.exists(to)) {
            to = dir.resolve(System.currentTimeMillis() + "-" + file.getFileName());
        }
        return Files.move(file, to);
    }
}
