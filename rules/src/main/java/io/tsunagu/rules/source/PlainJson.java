package io.tsunagu.rules.source;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tsunagu.rules.condition.Fields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain values (Map, List, String, Number, Boolean, null) to and from JSON, one way everywhere. */
public final class PlainJson {

    private PlainJson() {
    }

    /** Whether a number is written as an integer: whole, and exact as a long (below 2^53). */
    public static boolean isWhole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15;
    }

    /**
     * Writes a plain value — Map, List, String, Number, Boolean, null, or {@link Fields} — as JSON: whole
     * numbers as integers, non-finite numbers as null (JSON has no NaN). Rule content, stored
     * events and the server's responses are all written with it.
     */
    public static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                g.writeNull();
            } else if (isWhole(d)) {
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
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Fields f) {
            write(g, f.asMap());
        } else {
            g.writeString(v.toString());
        }
    }

    /**
     * Reads the value at the parser's current token as a plain value (Map, List, String, Long, Double,
     * Boolean, null); integers too large for a long become doubles. Stored values and the
     * server's request bodies are read with it.
     */
    public static Object read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, read(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                // (not a ?: — it would promote the long to a double)
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return p.getDoubleValue();
                }
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
