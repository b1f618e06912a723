package io.tsunagu.loader;

import io.tsunagu.store.StoredEvent;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The good rows of an events file, given back with each member's rows together — in file order
 * within a member — so that a member's events of the whole file are stored by one script call.
 * Exports come ordered by time: read as they are, a batch of 2,000 lines holds nearly 2,000
 * members, and Redis pays a profile's fixed cost (its id lookup, one insert per key) for every
 * line. Given in member order the same import costs Redis about half as much per line (see the
 * loader section of BENCHMARKS.md).
 *
 * <p>Memory is bounded whatever the file's size: rows are held up to a budget, then sorted and
 * written to a run file in the temporary directory; reading merges the runs. A file within the budget
 * never touches the disk. A run file is removed from the directory as soon as it is open (where the
 * system allows it, as Linux and macOS do): its space is freed when the import closes it or its
 * process ends, even killed — an import never leaves runs behind.
 */
final class MemberOrder implements Closeable {

    /** One row: the profile id it belongs to and its event, ready to be sent. */
    record Row(String pid, StoredEvent event) {
    }

    /** Rows held in memory before a run is written: about this many bytes of them. */
    static final long DEFAULT_BUDGET = 64L << 20;

    /** A held row's cost besides its strings' characters: objects, references, a list slot. */
    private static final int ROW_OVERHEAD = 200;

    /**
     * The order members come in: any order groups a member's rows, so the ids' hashes decide first (an
     * int comparison; a String keeps its hash) and only equal hashes compare the ids.
     */
    static final Comparator<Row> BY_PID = (a, b) -> {
        int c = Integer.compare(a.pid().hashCode(), b.pid().hashCode());
        return c != 0 ? c : a.pid().compareTo(b.pid());
    };

    /**
     * The rows in {@link #BY_PID} order, stable (a member's rows keep their file order). Sorted as
     * primitive (hash, position) keys: a comparator sort visits two rows and their id strings for each
     * of its n log n comparisons, scattered across the heap (120,000 rows: 75.6 against 20.2 ms,
     * {@code MemberOrderBenchmark}). Ids of equal hash but different text (rare) are then put in order
     * among themselves.
     */
    static List<Row> byPid(List<Row> rows) {
        int n = rows.size();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (long) rows.get(i).pid().hashCode() << 32 | i;
        }
        Arrays.sort(keys);
        Row[] out = new Row[n];
        for (int i = 0; i < n; i++) {
            out[i] = rows.get((int) keys[i]);
        }
        for (int from = 0, to; from < n; from = to) {
            int hash = (int) (keys[from] >> 32);
            boolean oneId = true;
            for (to = from + 1; to < n && (int) (keys[to] >> 32) == hash; to++) {
                oneId &= out[to].pid().equals(out[from].pid());
            }
            if (!oneId) {
                Arrays.sort(out, from, to, BY_PID); // stable, and the stretch is in file order
            }
        }
        return Arrays.asList(out);
    }

    private final long budget;
    private final Path tempParent;
    private List<Row> held = new ArrayList<>();
    private long heldBytes;
    private final List<FileChannel> runs = new ArrayList<>();
    private final List<Path> undeleted = new ArrayList<>();
    private long size;

    /** Holds about {@code budget} bytes of rows; runs go to {@code tempParent} (null: the system's temporary directory). */
    MemberOrder(long budget, Path tempParent) {
        this.budget = budget;
        this.tempParent = tempParent;
    }

    void add(String pid, StoredEvent e) throws IOException {
        held.add(new Row(pid, e));
        heldBytes += ROW_OVERHEAD + 2L * (pid.length() + e.id().length() + e.member().length());
        size++;
        if (heldBytes >= budget) {
            spill();
        }
    }

    /** Rows added so far. */
    long size() {
        return size;
    }

    /** Run files written so far (each a sorted part of the file). */
    int runs() {
        return runs.size();
    }

    private void spill() throws IOException {
        List<Row> sorted = byPid(held);
        Path dir = tempParent != null ? tempParent : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Path path = Files.createTempFile(dir, "tsunagu-import-", ".run");
            FileChannel run = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            runs.add(run);
            try {
                Files.delete(path);
            } catch (IOException e) {
                undeleted.add(path); // a system that keeps open files: deleted by close()
            }
            RunWriter w = new RunWriter(run);
            for (Row r : sorted) {
                StoredEvent e = r.event();
                w.string(r.pid());
                w.string(e.id());
                w.string(e.type());
                w.number(e.ts());
                w.string(e.member());
            }
            w.flush();
        } catch (IOException e) {
            throw new IOException("cannot write the rows waiting for the apply pass to " + dir + " (" + e.getMessage()
                    + "); set java.io.tmpdir in TSUNAGU_JAVA_OPTS to a directory with room", e);
        }
        held = new ArrayList<>();
        heldBytes = 0;
    }

    /** A run's records: strings as their UTF-8 length (4 bytes) and bytes, numbers as 8 bytes. */
    private static final class RunWriter {
        private final FileChannel out;
        private byte[] buf = new byte[1 << 16];
        private int at;

        RunWriter(FileChannel out) {
            this.out = out;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            room(4 + b.length);
            put(b.length, 4);
            System.arraycopy(b, 0, buf, at, b.length);
            at += b.length;
        }

        void number(long v) throws IOException {
            room(8);
            put(v, 8);
        }

        private void put(long v, int bytes) {
            for (int i = bytes - 1; i >= 0; i--) {
                buf[at++] = (byte) (v >>> (8 * i));
            }
        }

        private void room(int n) throws IOException {
            if (at + n > buf.length) {
                flush();
                if (n > buf.length) {
                    buf = new byte[n];
                }
            }
        }

        void flush() throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, at);
            while (b.hasRemaining()) {
                out.write(b);
            }
            at = 0;
        }
    }

    /** Reads the rows in member order: call once, after the last {@link #add}. Null at the end. */
    interface Cursor {
        Row next() throws IOException;
    }

    Cursor rows() throws IOException {
        List<Row> last = byPid(held);
        held = new ArrayList<>();
        if (runs.isEmpty()) {
            int[] at = {0};
            return () -> at[0] < last.size() ? last.get(at[0]++) : null;
        }
        // Merge: the smallest id first; between runs, the earlier one (its lines came first).
        PriorityQueue<Source> queue = new PriorityQueue<>((a, b) -> {
            int c = BY_PID.compare(a.current, b.current);
            return c != 0 ? c : Integer.compare(a.index, b.index);
        });
        for (int i = 0; i < runs.size(); i++) {
            Source s = new FileSource(i, runs.get(i));
            if (s.advance()) {
                queue.add(s);
            }
        }
        Source memory = new ListSource(runs.size(), last);
        if (memory.advance()) {
            queue.add(memory);
        }
        return () -> {
            Source s = queue.poll();
            if (s == null) {
                return null;
            }
            Row r = s.current;
            if (s.advance()) {
                queue.add(s);
            }
            return r;
        };
    }

    private abstract static class Source {
        final int index;
        Row current;

        Source(int index) {
            this.index = index;
        }

        /** Moves to the next row; false at the end. */
        abstract boolean advance() throws IOException;
    }

    private static final class ListSource extends Source {
        private final List<Row> rows;
        private int at;

        ListSource(int index, List<Row> rows) {
            super(index);
            this.rows = rows;
        }

        @Override
        boolean advance() {
            current = at < rows.size() ? rows.get(at++) : null;
            return current != null;
        }
    }

    private static final class FileSource extends Source {
        private final FileChannel in;
        private long position;
        private byte[] buf = new byte[1 << 16];
        private int at;
        private int end;
        private String type = "";

        FileSource(int index, FileChannel run) {
            super(index);
            this.in = run;
        }

        @Override
        boolean advance() throws IOException {
            if (!available(1)) {
                current = null;
                return false;
            }
            String pid = string();
            String id = string();
            String t = string();
            if (!t.equals(type)) {
                type = t; // one type a feed: share the instance
            }
            long ts = number(8);
            current = new Row(pid, new StoredEvent(id, type, ts, string()));
            return true;
        }

        private String string() throws IOException {
            int length = (int) number(4);
            need(length);
            String s = new String(buf, at, length, StandardCharsets.UTF_8);
            at += length;
            return s;
        }

        private long number(int bytes) throws IOException {
            need(bytes);
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | (buf[at++] & 0xff);
            }
            return v;
        }

        private void need(int n) throws IOException {
            if (!available(n)) {
                throw new EOFException("a run of the import's temporary files ends inside a row");
            }
        }

        /** True when the next {@code n} bytes are in the buffer (reading more as needed). */
        private boolean available(int n) throws IOException {
            if (end - at >= n) {
                return true;
            }
            if (n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, n);
            }
            System.arraycopy(buf, at, buf, 0, end - at);
            end -= at;
            at = 0;
            while (end < n) {
                int r = in.read(ByteBuffer.wrap(buf, end, buf.length - end), position);
                if (r < 0) {
                    return false;
                }
                end += r;
                position += r;
            }
            return true;
        }
    }

    /** Closes and so frees the runs. */
    @Override
    public void close() throws IOException {
        IOException failed = null;
        for (FileChannel run : runs) {
            try {
                run.close();
            } catch (IOException e) {
                failed = e;
            }
        }
        runs.clear();
        held = new ArrayList<>();
        for (Path path : undeleted) {
            Files.deleteIfExists(path);
        }
        undeleted.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
