package io.tsunagu.store;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Interner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON reader over UTF-8 bytes for stored events, which a cache miss decodes by the hundred: plain
 * values as {@link io.tsunagu.rules.source.PlainJson} reads them (Map, List, String, Long, Double,
 * Boolean, null; integers beyond a long become doubles), without a parser object, symbol table or text
 * buffer per value. ASCII strings without escapes — nearly all of them — are one copy.
 */
final class JsonBytes {

    private final byte[] b;
    private int i;

    JsonBytes(byte[] bytes) {
        this.b = bytes;
    }

    /**
     * Whether only whitespace is left, or after it {@code stop} (a byte JSON text cannot hold raw, such
     * as the separator before a stored event's compact updates).
     */
    boolean atEndOr(byte stop) {
        skipWs();
        return i >= b.length || b[i] == stop;
    }

    /** Consumes {@code c} (after whitespace) if it is next. */
    boolean next(char c) {
        skipWs();
        if (i < b.length && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!next(c)) {
            throw error("expected '" + c + "'");
        }
    }

    /** How a string is made: shared as a name, shared if it is short, or new. */
    private static final int NAME = 0;
    private static final int VALUE = 1;
    private static final int PLAIN = 2;

    /** The next object key, with its colon consumed. */
    String key() {
        String k = string(NAME);
        expect(':');
        return k;
    }

    /**
     * The next value, an object, as an event's properties ({@link Event#props}): read into an array of
     * names and values, without a map to be copied.
     */
    Map<String, Object> props() {
        skipWs();
        if (i < b.length && b[i] != '{') {
            value(); // not an object: no properties
            return Map.of();
        }
        expect('{');
        if (next('}')) {
            return Map.of();
        }
        Object[] kv = new Object[16];
        int n = 0;
        do {
            if (n == kv.length) {
                kv = Arrays.copyOf(kv, n * 2);
            }
            kv[n++] = key();
            kv[n++] = value();
        } while (next(','));
        expect('}');
        return Event.props(n == kv.length ? kv : Arrays.copyOf(kv, n));
    }

    Object value() {
        skipWs();
        if (i >= b.length) {
            throw error("unexpected end");
        }
        switch (b[i]) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                if (next('}')) {
                    return m;
                }
                do {
                    String k = key();
                    m.put(k, value());
                } while (next(','));
                expect('}');
                return m;
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                if (next(']')) {
                    return l;
                }
                do {
                    l.add(value());
                } while (next(','));
                expect(']');
                return l;
            }
            case '"' -> {
                return string(VALUE);
            }
            case 't' -> {
                literal("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                literal("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                literal("null");
                return null;
            }
            default -> {
                return number();
            }
        }
    }

    /** A whole number as a long (for times), whatever form it was written in. */
    long longValue() {
        Object v = value();
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw error("expected a number");
    }

    /**
     * A string; names and short values come from {@link Interner}, so that the names and the brands,
     * categories and ids that every event repeats are not built again for each.
     */
    /** The next value, a string, made anew: for ids, which never repeat. */
    String text() {
        return string(PLAIN);
    }

    private String string(int how) {
        skipWs();
        if (i >= b.length || b[i] != '"') {
            throw error("expected a string");
        }
        int start = ++i;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                int end = i++;
                if (how == NAME) {
                    return Interner.name(b, start, end);
                }
                return how == VALUE && end - start <= Interner.VALUE_MAX
                        ? Interner.value(b, start, end)
                        : new String(b, start, end - start, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\' || c < 0) {
                return slowString(start);
            }
            i++;
        }
        throw error("unterminated string");
    }

    /** A string with escapes or non-ASCII characters, from its first character at {@code start}. */
    private String slowString(int start) {
        StringBuilder sb = new StringBuilder(i - start + 16);
        i = start;
        int run = start;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
                i++;
                return sb.toString();
            }
            if (c != '\\') {
                i++;
                continue;
            }
            sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
            if (i + 1 >= b.length) {
                break;
            }
            byte e = b[i + 1];
            i += 2;
            switch (e) {
                case '"', '\\', '/' -> sb.append((char) e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > b.length) {
                        throw error("bad \\u escape");
                    }
                    sb.append((char) Integer.parseInt(new String(b, i, 4, StandardCharsets.ISO_8859_1), 16));
                    i += 4;
                }
                default -> throw error("bad escape");
            }
            run = i;
        }
        throw error("unterminated string");
    }

    private Object number() {
        int start = i;
        boolean integer = true;
        if (i < b.length && b[i] == '-') {
            i++;
        }
        while (i < b.length) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integer = false;
                i++;
            } else {
                break;
            }
        }
        int digits = i - start - (b[start] == '-' ? 1 : 0);
        if (digits == 0) {
            throw error("unexpected character");
        }
        if (integer && digits <= 18) {
            long v = 0;
            for (int k = b[start] == '-' ? start + 1 : start; k < i; k++) {
                v = v * 10 + (b[k] - '0');
            }
            return b[start] == '-' ? -v : v;
        }
        String text = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        if (integer) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(text);
            }
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    private void literal(String word) {
        int n = word.length();
        if (i + n > b.length) {
            throw error("unexpected end");
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                throw error("unexpected character");
            }
        }
        i += n;
    }

    private void skipWs() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at byte " + i);
    }
}
