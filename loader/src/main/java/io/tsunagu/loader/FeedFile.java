package io.tsunagu.loader;

import io.tsunagu.loader.csv.CsvReader;
import io.tsunagu.loader.feed.Column;
import io.tsunagu.loader.feed.Feed;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.Suggestions;
import io.tsunagu.store.ProfileKeys;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CSV file read through one feed: its header checked against the feed, then row after row
 * converted into what the feed makes of it, or into the reasons the row is bad. Streams: one row in
 * memory at a time.
 */
final class FeedFile implements Closeable {

    /** The whole file cannot be imported (nothing of it is). */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** What one row says. Exactly one of the kinds' fields is set, or {@code problems} when the row is bad. */
    record Row(long line, String id, Event event, Map<String, Object> values, List<Problem> problems) {
        boolean bad() {
            return !problems.isEmpty();
        }
    }

    /** Why a row is bad, for the errors file. */
    record Problem(long line, String column, String value, String reason) {
    }

    private final Feed feed;
    private final Path path;
    private final CsvReader csv;
    private final int idIndex;
    private final int timeIndex;
    private final int[] keyIndexes;
    private final List<Column> columns;
    private final int[] columnIndexes;
    private final DateTimeFormatter[] formatters;
    private final DateTimeFormatter timeFormatter;
    private final String eventPrefix;
    /** The header's names, to name a short row's first missing column. */
    private final String[] header;
    /** Cells a row must have: up to the header's last named column (trailing empty names may be left out). */
    private final int minCells;
    private long rows;
    private long bytes;
    /** Whether good rows of an events feed come with their event (not needed by a pass that only checks). */
    private boolean events = true;
    /** Hashes whole rows into event ids when the feed names no key columns; made on first use. */
    private MessageDigest rowDigest;

    /** Counts the bytes read from the file, for progress. */
    private final class CountingInputStream extends java.io.FilterInputStream {
        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        }
    }

    FeedFile(Feed feed, Path path) throws IOException, Rejected {
        this.feed = feed;
        this.path = path;
        InputStream in;
        try {
            in = new BufferedInputStream(new CountingInputStream(Files.newInputStream(path)), 1 << 16);
        } catch (IOException e) {
            throw new Rejected("cannot read " + path + ": " + reason(e));
        }
        // A UTF-8 byte order mark is not part of the first column's name.
        in.mark(3);
        byte[] bom = in.readNBytes(3);
        if (!(bom.length == 3 && (bom[0] & 0xff) == 0xEF && (bom[1] & 0xff) == 0xBB && (bom[2] & 0xff) == 0xBF)) {
            in.reset();
        }
        // Undecodable bytes become U+FFFD and make their row bad (a wrong encoding rejects the file).
        InputStreamReader reader = new InputStreamReader(in, feed.charset().newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
        this.csv = new CsvReader(reader, feed.delimiter(), feed.quote());
        String[] header;
        try {
            if (!csv.next()) {
                throw new Rejected(path.getFileName() + " is empty: expected a header line naming the columns");
            }
            header = csv.record();
        } catch (CsvReader.MalformedException e) {
            throw new Rejected(path.getFileName() + ": the header cannot be read: " + e.getMessage());
        }
        long headerLine = csv.line();
        Map<String, Integer> index = new HashMap<>();
        List<String> twice = new ArrayList<>();
        int lastNamed = 0;
        for (int i = 0; i < header.length; i++) {
            String name = header[i].strip();
            if (index.putIfAbsent(name, i) != null && !twice.contains(name)) {
                twice.add(name);
            }
            if (!name.isEmpty()) {
                lastNamed = i + 1;
            }
        }
        List<String> missing = new ArrayList<>();
        for (String c : feed.requiredColumns()) {
            if (!index.containsKey(c)) {
                missing.add(c);
            }
        }
        // The header's cells are not quoted: a file without a header has a row there (personal data,
        // which stays out of the summary, the log and the history). Close names are hinted instead.
        if (!missing.isEmpty()) {
            StringBuilder sb = new StringBuilder(path.getFileName() + " line " + headerLine + ": missing column"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (feed " + feed.name() + ")");
            if (String.join("", header).indexOf('\uFFFD') >= 0) {
                sb.append("; the header has bytes that are not ").append(feed.encoding()).append(": is the file really ")
                        .append(feed.encoding()).append('?');
            } else if (header.length == 1) {
                sb.append("; the header is one column: is the delimiter ").append(delimiterName(feed.delimiter()))
                        .append(" right?");
            } else {
                for (String m : missing) {
                    String hint = Suggestions.didYouMean(m, index.keySet());
                    if (!hint.isEmpty()) {
                        sb.append("; ").append(m).append(": ").append(hint, 2, hint.length() - 1);
                    }
                }
            }
            throw new Rejected(sb.toString());
        }
        for (String c : twice) {
            if (feed.readsColumn(c)) {
                throw new Rejected(path.getFileName() + " line " + headerLine + ": column " + c
                        + " appears twice in the header (feed " + feed.name() + "): which one to read is unclear");
            }
        }
        this.header = header;
        this.minCells = lastNamed;
        this.idIndex = index.get(feed.id().from());
        this.timeIndex = feed.time() == null ? -1 : index.get(feed.time().from());
        this.timeFormatter = feed.time() == null ? null : formatter(feed.time());
        this.keyIndexes = feed.key().stream().mapToInt(index::get).toArray();
        this.columns = List.copyOf(feed.columns().values());
        this.columnIndexes = new int[columns.size()];
        this.formatters = new DateTimeFormatter[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            columnIndexes[i] = c.from() == null ? -1 : index.getOrDefault(c.from(), -1);
            formatters[i] = formatter(c);
        }
        this.eventPrefix = feed.name() + ":";
    }

    /**
     * Rows from here on are checked as before but come without their event: a pass that only finds
     * the bad rows skips building the events' property maps (a tenth of an import's loader time).
     */
    FeedFile checkOnly() {
        events = false;
        return this;
    }

    private static String delimiterName(char c) {
        return c == '\t' ? "\"\\t\"" : "\"" + c + "\"";
    }

    private static DateTimeFormatter formatter(Column c) {
        return c.format() == null ? null : Column.formatter(c.format());
    }

    /** The next row, or null at the end of the file. */
    Row next() throws IOException, Rejected {
        try {
            if (!csv.next()) {
                return null;
            }
        } catch (CsvReader.MalformedException e) {
            throw new Rejected(path.getFileName() + " " + e.getMessage());
        }
        rows++;
        long line = csv.line();
        List<Problem> problems = new ArrayList<>(0);
        String id = csv.get(idIndex);
        id = id == null ? "" : id.strip();
        int cells = csv.size();
        if ((cells < minCells || cells > header.length) && !fits(cells)) {
            // A cut-off row would clear the attributes it has no cells for; an unquoted delimiter in a
            // value shifts every cell after it. Neither is read.
            String column = cells < header.length ? header[cells].strip() : "";
            problems.add(new Problem(line, column, "", "the row has " + cells + (cells == 1 ? " cell" : " cells") + ", the header " + header.length
                    + (cells > header.length ? " (a delimiter in a value that is not quoted?)" : "")));
            return new Row(line, id, null, null, problems);
        }
        if (id.isEmpty()) {
            problems.add(new Problem(line, feed.id().from(), "", "the id is empty"));
        } else if (!ProfileKeys.isValidId(id)) {
            problems.add(new Problem(line, feed.id().from(), id, "not a usable id: letters, digits and . _ : @ + = - only, at most 128"));
        }
        // An event's properties go straight into the array its event keeps; other rows' into a map.
        boolean event = feed.kind() == Feed.Kind.EVENTS;
        Map<String, Object> values = event ? null : new LinkedHashMap<>(columns.size() * 2);
        Object[] props = event ? new Object[columns.size() * 2] : null;
        int n = 0;
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object v = c.constant();
            if (c.from() != null) {
                v = convert(c, columnIndexes[i] < 0 ? null : csv.get(columnIndexes[i]), formatters[i], line, problems);
                if (v == NONE) {
                    continue;
                }
            }
            if (event) {
                props[n++] = c.name();
                props[n++] = v;
            } else {
                values.put(c.name(), v);
            }
        }
        if (!event) {
            return new Row(line, id, null, values, problems);
        }
        String timeText = csv.get(timeIndex);
        Long ts = null;
        try {
            Object t = feed.time().convert(timeText, timeFormatter);
            if (t == null) {
                problems.add(new Problem(line, feed.time().from(), "", "the time is empty"));
            } else {
                ts = (Long) t;
            }
        } catch (Column.BadValue e) {
            problems.add(new Problem(line, feed.time().from(), timeText, e.getMessage()));
        }
        String eventId = eventId(line, problems);
        if (!problems.isEmpty()) {
            return new Row(line, id, null, null, problems);
        }
        return new Row(line, id, events ? Event.unshared(eventId, feed.event(), ts, n == props.length ? props
                : Arrays.copyOf(props, n)) : null, null, List.of());
    }

    /** Whether a row of {@code cells} cells lines up with the header: more only if the extra ones are empty. */
    private boolean fits(int cells) {
        if (cells < minCells) {
            return false;
        }
        for (int i = header.length; i < cells; i++) {
            if (!csv.get(i).isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** What {@link #convert} gives for a cell that sets nothing: a bad one, or an empty optional one. */
    private static final Object NONE = new Object();

    /** A cell's typed value; null clears an attribute; {@link #NONE} for nothing (a bad cell adds its problem). */
    private Object convert(Column c, String text, DateTimeFormatter formatter, long line, List<Problem> problems) {
        if (text != null && text.indexOf('\uFFFD') >= 0) {
            problems.add(new Problem(line, c.from(), text, "bytes that are not valid " + feed.encoding()));
            return NONE;
        }
        try {
            Object v = c.convert(text, formatter);
            if (v == null && c.required()) {
                problems.add(new Problem(line, c.from(), "", "a value is required"));
                return NONE;
            }
            // An attributes row is the customer's latest state: an empty cell clears the attribute.
            return v != null || feed.kind() == Feed.Kind.ATTRIBUTES ? v : NONE;
        } catch (Column.BadValue e) {
            problems.add(new Problem(line, c.from(), text, e.getMessage()));
            return NONE;
        }
    }

    /** FEED:KEY1:KEY2…, or FEED:sha-1 of the whole row when the feed has no key. */
    private String eventId(long line, List<Problem> problems) {
        StringBuilder sb = new StringBuilder(eventPrefix);
        if (keyIndexes.length == 0) {
            if (rowDigest == null) {
                rowDigest = digest("SHA-1");
            }
            for (int i = 0; i < csv.size(); i++) {
                rowDigest.update(csv.get(i).getBytes(StandardCharsets.UTF_8));
                rowDigest.update((byte) 0x1f);
            }
            return sb.append(HexFormat.of().formatHex(rowDigest.digest(), 0, 12)).toString();
        }
        for (int i = 0; i < keyIndexes.length; i++) {
            String v = csv.get(keyIndexes[i]);
            v = v == null ? "" : v.strip();
            if (v.isEmpty()) {
                problems.add(new Problem(line, feed.key().get(i), "", "a key column is empty: the event cannot be told apart"));
            }
            sb.append(i == 0 ? "" : ":").append(v);
        }
        return sb.toString();
    }

    /** Bytes of the file read so far (ahead of the rows by a buffer). */
    long bytesRead() {
        return bytes;
    }

    /** Data rows read so far. */
    long rows() {
        return rows;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why a file cannot be read, in words (a {@link FileSystemException}'s message is only its path). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage();
    }

    /** The file's sha256, hex. */
    static String sha256(Path path) throws IOException {
        MessageDigest d = digest("SHA-256");
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
