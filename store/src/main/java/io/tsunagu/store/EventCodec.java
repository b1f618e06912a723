package io.tsunagu.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.PlainJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
                PlainJson.write(g, e.props());
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
