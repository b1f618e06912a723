package io.tsunagu.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tsunagu.rules.profile.Event;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events and attribute values as stored: compact JSON, {@code {"i":id,"t":type,"s":ts,"p":{props}}}.
 * The id inside makes each stored member unique, so a sorted set never merges two events.
 */
public final class EventCodec {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private EventCodec() {
    }

    public static String encode(Event e) {
        StringWriter w = new StringWriter(64 + e.props().size() * 24);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            if (e.id() != null) {
                g.writeStringField("i", e.id());
            }
            g.writeStringField("t", e.type());
            g.writeNumberField("s", e.ts());
            if (!e.props().isEmpty()) {
                g.writeFieldName("p");
                writeValue(g, e.props());
            }
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return w.toString();
    }

    public static Event decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes an event as stored (UTF-8 bytes, as Redis returns them). */
    public static Event decode(byte[] s) {
        try (JsonParser p = JSON.createParser(s)) {
            String id = null;
            String type = null;
            long ts = 0;
            Map<String, Object> props = Map.of();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a stored event: " + new String(s, StandardCharsets.UTF_8));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "i" -> id = p.getText();
                    case "t" -> type = p.getText();
                    case "s" -> ts = p.getLongValue();
                    case "p" -> props = asMap(readValue(p));
                    default -> p.skipChildren();
                }
            }
            return new Event(id, type, ts, props);
        } catch (IOException x) {
            throw new IllegalArgumentException("not a stored event: " + new String(s, StandardCharsets.UTF_8), x);
        }
    }

    /** Any plain value (Map, List, String, Number, Boolean, null) as JSON. */
    public static String encodeValue(Object v) {
        StringWriter w = new StringWriter(32);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writeValue(g, v);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return w.toString();
    }

    public static Object decodeValue(String s) {
        try (JsonParser p = JSON.createParser(s)) {
            p.nextToken();
            return readValue(p);
        } catch (IOException x) {
            // Written by someone else (redis-cli): keep the text.
            return s;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
                g.writeNumber((long) d);
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }

    private static Object readValue(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, readValue(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(readValue(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            default -> {
                return null;
            }
        }
    }
}
