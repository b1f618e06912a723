package io.tsunagu.loader.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * A streaming CSV reader (RFC 4180: quoted fields may hold delimiters, doubled quotes and line
 * breaks; CRLF or LF line ends), with a configurable delimiter and quote. Reads one record at a time
 * into a reused array, so memory stays bounded whatever the file's size.
 *
 * <p>{@link #line()} is the physical line on which the current record starts (1-based), which is
 * what error reports name; a record with quoted line breaks spans several lines.
 */
public final class CsvReader implements Closeable {

    /** A record that cannot be read: an unterminated quote, or text after a closing quote. */
    public static final class MalformedException extends IOException {
        private final long line;

        MalformedException(long line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    private static final int MAX_FIELD = 1 << 20;
    /** Fields of one record at most: a line of nothing but delimiters must not fill the memory. */
    static final int MAX_FIELDS = 100_000;
    /** Characters of one record at most (its fields together). */
    static final int MAX_RECORD = 1 << 23;

    private final Reader in;
    private final char delimiter;
    private final char quote;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int end;
    private boolean eof;

    private String[] fields = new String[16];
    private int count;
    private int recordChars;
    private char[] field = new char[256];
    private long nextLine = 1;
    private long line;

    /** @param quote the quote character, or {@code '\0'} for none */
    public CsvReader(Reader in, char delimiter, char quote) {
        this.in = in;
        this.delimiter = delimiter;
        this.quote = quote;
    }

    /** Reads the next record; false at the end of the input. Blank lines are skipped. */
    public boolean next() throws IOException {
        while (true) {
            if (!fill()) {
                return false;
            }
            char c = buf[pos];
            if (c == '\n') {
                pos++;
                nextLine++;
                continue;
            }
            if (c == '\r') {
                pos++;
                continue;
            }
            break;
        }
        line = nextLine;
        count = 0;
        recordChars = 0;
        while (true) {
            boolean more = readField();
            if (!more) {
                return true;
            }
        }
    }

    /** Reads one field; returns whether another field of the same record follows. */
    private boolean readField() throws IOException {
        int len = 0;
        if (quote != '\0' && fill() && buf[pos] == quote) {
            pos++;
            while (true) {
                if (!fill()) {
                    throw new MalformedException(line, "a quoted field is not closed before the end of the file");
                }
                char c = buf[pos++];
                if (c == quote) {
                    if (fill() && buf[pos] == quote) {
                        pos++;
                        len = append(len, quote);
                        continue;
                    }
                    break;
                }
                if (c == '\n') {
                    nextLine++;
                }
                len = append(len, c);
            }
            add(len);
            if (!fill()) {
                return false;
            }
            char c = buf[pos];
            if (c == delimiter) {
                pos++;
                return true;
            }
            if (c == '\r' || c == '\n') {
                endOfLine();
                return false;
            }
            throw new MalformedException(line, "text after a closing quote (field " + count + ")");
        }
        while (true) {
            if (pos >= end && !fill()) {
                add(len);
                return false;
            }
            // Scan the buffered run without per-character bounds calls.
            int start = pos;
            int stop = end;
            int i = start;
            while (i < stop) {
                char c = buf[i];
                if (c == delimiter || c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            len = append(len, buf, start, i - start);
            pos = i;
            if (i < stop) {
                char c = buf[i];
                add(len);
                if (c == delimiter) {
                    pos++;
                    return true;
                }
                endOfLine();
                return false;
            }
        }
    }

    private void endOfLine() throws IOException {
        if (buf[pos] == '\r') {
            pos++;
            if (fill() && buf[pos] == '\n') {
                pos++;
            }
        } else {
            pos++;
        }
        nextLine++;
    }

    private int append(int len, char c) throws MalformedException {
        if (len == field.length) {
            grow(len + 1);
        }
        field[len] = c;
        return len + 1;
    }

    private int append(int len, char[] src, int from, int n) throws MalformedException {
        if (len + n > field.length) {
            grow(len + n);
        }
        System.arraycopy(src, from, field, len, n);
        return len + n;
    }

    private void grow(int needed) throws MalformedException {
        if (needed > MAX_FIELD) {
            throw new MalformedException(line, "a field is longer than " + MAX_FIELD + " characters (a missing closing quote?)");
        }
        field = Arrays.copyOf(field, Math.min(MAX_FIELD, Math.max(needed, field.length * 2)));
    }

    private void add(int len) throws MalformedException {
        if (count == fields.length) {
            if (count == MAX_FIELDS) {
                throw new MalformedException(line, "a record with more than " + MAX_FIELDS + " fields");
            }
            fields = Arrays.copyOf(fields, Math.min(MAX_FIELDS, count * 2));
        }
        recordChars += len;
        if (recordChars > MAX_RECORD) {
            throw new MalformedException(line, "a record longer than " + MAX_RECORD + " characters");
        }
        fields[count++] = len == 0 ? "" : new String(field, 0, len);
    }

    /** Whether a character is available at {@link #pos}, reading more input if needed. */
    private boolean fill() throws IOException {
        if (pos < end) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /** Fields of the current record. */
    public int size() {
        return count;
    }

    public String get(int i) {
        return i < count ? fields[i] : null;
    }

    /** The current record's fields, as a new array. */
    public String[] record() {
        return Arrays.copyOf(fields, count);
    }

    /** The line on which the current record starts. */
    public long line() {
        return line;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
