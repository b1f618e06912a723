package io.tsunagu.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.tsunagu.rules.condition.Fields;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.PlainJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Events and attribute values as stored: compact JSON, {@code {"i":id,"t":type,"s":ts,"p":{props}}}.
 * The id inside makes each stored member unique, so a sorted set never merges two events.
 */
public final class EventCodec {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private EventCodec() {
    }

    /**
     * The event as stored. Written by hand rather than with a JSON generator (every page view and every
     * imported row is encoded once): the same text as {@link PlainJson#write} through Jackson's
     * generator would give, which a test checks on random values.
     */
    public static String encode(Event e) {
        StringBuilder sb = new StringBuilder(64 + e.props().size() * 32);
        sb.append('{');
        if (e.id() != null) {
            sb.append("\"i\":");
            string(sb, e.id());
            sb.append(',');
        }
        sb.append("\"t\":");
        string(sb, e.type());
        sb.append(",\"s\":").append(e.ts());
        if (!e.props().isEmpty()) {
            sb.append(",\"p\":");
            value(sb, e.props());
        }
        return sb.append('}').toString();
    }

    /** A plain value as {@link PlainJson#write} writes it. */
    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                sb.append("null");
            } else if (PlainJson.isWhole(d)) {
                sb.append((long) d);
            } else {
                sb.append(d);
            }
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, String.valueOf(entry.getKey()));
                sb.append(':');
                value(sb, entry.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            boolean first = true;
            for (Object o : l) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                value(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Fields f) {
            value(sb, f.asMap());
        } else {
            string(sb, v.toString());
        }
    }

    /** A JSON string, escaped as Jackson escapes by default: quote, backslash and control characters. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        sb.append(s, run, s.length()).append('"');
    }

    public static Event decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes an event as stored (UTF-8 bytes, as Redis returns them): its JSON, followed in a profile's
     * event list by U+001E and its compact aggregate updates (which JSON text cannot contain raw).
     */
    public static Event decode(byte[] s) {
        try {
            JsonBytes in = new JsonBytes(s);
            String id = null;
            String type = null;
            long ts = 0;
            Map<String, Object> props = Map.of();
            in.expect('{');
            if (!in.next('}')) {
                do {
                    String f = in.key();
                    switch (f) {
                        case "i" -> id = in.text();
                        case "t" -> type = (String) in.value();
                        case "s" -> ts = in.longValue();
                        case "p" -> props = in.props();
                        default -> in.value();
                    }
                } while (in.next(','));
                in.expect('}');
            }
            if (type == null || !in.atEndOr((byte) 0x1e)) {
                throw new IllegalArgumentException("no type, or more after the event");
            }
            return new Event(id, type, ts, props);
        } catch (RuntimeException x) {
            throw new IllegalArgumentException("not a stored event: " + new String(s, StandardCharsets.UTF_8), x);
        }
    }

    /** Any plain value (Map, List, String, Number, Boolean, null) as JSON. */
    public static String encodeValue(Object v) {
        StringWriter w = new StringWriter(32);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            PlainJson.write(g, v);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return w.toString();
    }

    public static Object decodeValue(String s) {
        try (JsonParser p = JSON.createParser(s)) {
            p.nextToken();
            return PlainJson.read(p);
        } catch (IOException x) {
            // Written by someone else (redis-cli): keep the text.
            return s;
        }
    }
}
