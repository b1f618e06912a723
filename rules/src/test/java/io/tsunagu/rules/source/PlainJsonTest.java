package io.tsunagu.rules.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlainJsonTest {

    static final JsonFactory JSON = new JsonFactory();

    static Object read(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            p.nextToken();
            return PlainJson.read(p);
        }
    }

    static String write(Object value) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            PlainJson.write(g, value);
        }
        return w.toString();
    }

    @Test
    void wholeNumbers_readAsLongs_tooLargeOnesAsDoubles_fractionsAsDoubles() throws IOException {
        assertEquals(Map.of("n", 7L, "big", 1.0e20, "x", 2.5, "l", List.of(true, "s")),
                read("{\"n\":7,\"big\":100000000000000000000,\"x\":2.5,\"l\":[true,\"s\"]}"));
    }

    @Test
    void integralDoubles_writeAsIntegers_andNonFiniteAsNull() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 3.0);
        m.put("b", 2.5);
        m.put("c", Double.NaN);
        m.put("d", null);
        assertEquals("{\"a\":3,\"b\":2.5,\"c\":null,\"d\":null}", write(m));
    }
}
