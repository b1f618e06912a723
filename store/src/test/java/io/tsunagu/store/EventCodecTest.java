package io.tsunagu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.tsunagu.rules.source.PlainJson;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;

import io.tsunagu.rules.profile.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    @Test
    void encodeDecode_keepsTypesAndOrder() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("store_id", "渋谷");
        props.put("amount", 1200L);
        props.put("rate", 0.25);
        props.put("gift", true);
        props.put("none", null);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "A-1");
        item.put("qty", 2L);
        props.put("items", List.of(item));
        Event e = new Event("r-1:1", "purchase", 1_795_000_000_000L, props);
        String s = EventCodec.encode(e);
        assertEquals("{\"i\":\"r-1:1\",\"t\":\"purchase\",\"s\":1795000000000,\"p\":{\"store_id\":\"渋谷\",\"amount\":1200,"
                + "\"rate\":0.25,\"gift\":true,\"none\":null,\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}}", s);
        Event back = EventCodec.decode(s);
        assertEquals(e.toString(), back.toString());
    }

    @Test
    void decodedEvents_shareNamesAndShortValues_notIds() {
        String stored = "{\"i\":\"pv-000001\",\"t\":\"page_view\",\"s\":1,\"p\":{\"brand\":\"kumo\","
                + "\"url\":\"https://shop.example.com/p/P01234?utm_source=mail&utm_medium=x\"}}";
        Event a = EventCodec.decode(stored);
        Event b = EventCodec.decode(stored);
        assertSame(a.prop("brand"), b.prop("brand"), "a brand is held once by all events");
        assertSame(a.props().keySet().iterator().next(), b.props().keySet().iterator().next());
        assertNotSame(a.id(), b.id(), "ids never repeat: they are not shared");
        assertNotSame(a.prop("url"), b.prop("url"), "long texts are not shared");
        assertEquals(a.prop("url"), b.prop("url"));
    }

    @Test
    void wholeDoubles_areStoredAsIntegers() {
        assertEquals("3", EventCodec.encodeValue(3.0));
        assertEquals(3L, EventCodec.decodeValue("3"));
        assertEquals("text", EventCodec.decodeValue("text"), "a value someone wrote by hand is kept as text");
    }

    @Test
    void decode_readsWhatAGenericJsonParserReads_forRandomValues() throws Exception {
        // The stored-event reader is hand-written for speed: it must agree with Jackson on every value.
        Random r = new Random(7);
        JsonFactory json = JsonFactory.builder().build();
        for (int n = 0; n < 2_000; n++) {
            Map<String, Object> props = new LinkedHashMap<>();
            int k = r.nextInt(6);
            for (int j = 0; j < k; j++) {
                props.put(randomText(r), randomValue(r, 0));
            }
            Event e = new Event("id-" + randomText(r), "page_view", r.nextLong() >>> 20, props);
            String stored = EventCodec.encode(e);
            Event back = EventCodec.decode(stored.getBytes(StandardCharsets.UTF_8));
            Object generic;
            try (JsonParser p = json.createParser(stored)) {
                p.nextToken();
                generic = PlainJson.read(p);
            }
            Map<?, ?> m = (Map<?, ?>) generic;
            assertEquals(m.get("i"), back.id(), stored);
            assertEquals(m.get("s"), back.ts(), stored);
            Object genericProps = m.containsKey("p") ? m.get("p") : Map.of();
            assertEquals(genericProps, new LinkedHashMap<>(back.props()), stored);
        }
    }

    @Test
    void encode_writesWhatJacksonWrites_forRandomValues() throws Exception {
        // The encoder is hand-written for speed; stored events written before it came through Jackson's
        // generator, and both must give the same text.
        Random r = new Random(11);
        JsonFactory json = JsonFactory.builder().build();
        for (int n = 0; n < 2_000; n++) {
            Map<String, Object> props = new LinkedHashMap<>();
            for (int j = r.nextInt(6); j > 0; j--) {
                props.put(randomText(r), randomValue(r, 0));
            }
            props.put("odd", switch (r.nextInt(5)) {
                case 0 -> Double.NaN;
                case 1 -> 1e300 * (r.nextBoolean() ? 1 : -1);
                case 2 -> new java.math.BigDecimal("12.50");
                case 3 -> (float) r.nextGaussian();
                default -> List.of(Integer.MAX_VALUE, (short) -3, 2.5e-8);
            });
            Event e = new Event(r.nextBoolean() ? null : "id-" + randomText(r), "page_view", r.nextLong() >>> 20, props);
            StringWriter w = new StringWriter();
            try (JsonGenerator g = json.createGenerator(w)) {
                g.writeStartObject();
                if (e.id() != null) {
                    g.writeStringField("i", e.id());
                }
                g.writeStringField("t", e.type());
                g.writeNumberField("s", e.ts());
                g.writeFieldName("p");
                PlainJson.write(g, e.props());
                g.writeEndObject();
            }
            assertEquals(w.toString(), EventCodec.encode(e));
        }
    }

    @Test
    void decode_ofHandWrittenJson_withSpacesEscapesAndExponents() {
        Event e = EventCodec.decode(" { \"t\" : \"call\", \"s\" : 1.7e12 , \"p\" : { \"note\" : \"a\\\"b\\u00e9\\ud83d\\ude00\\n\", "
                + "\"big\" : 123456789012345678901234, \"neg\" : -42, \"x\" : [ true , false , null ] } } ");
        assertEquals("call", e.type());
        assertEquals(1_700_000_000_000L, e.ts());
        assertEquals("a\"b\u00e9\ud83d\ude00\n", e.prop("note"));
        assertEquals(1.2345678901234568E23, e.prop("big"));
        assertEquals(-42L, e.prop("neg"));
        assertEquals(Arrays.asList(true, false, null), e.prop("x"));
    }

    @Test
    void decode_ofSomethingElse_failsWithTheText() {
        for (String bad : List.of("", "[]", "{\"t\":\"a\"", "{\"t\":\"a\"} x", "{\"s\":1}", "{\"t\":\"a\",\"p\":{\"x\":tru}}",
                "{\"t\":\"a\",\"p\":{\"x\":\"open}}", "{\"t\":\"a\",\"p\":{\"x\":-}}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EventCodec.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().startsWith("not a stored event: " + bad), e.getMessage());
        }
    }

    private static Object randomValue(Random r, int depth) {
        return switch (depth > 2 ? r.nextInt(6) : r.nextInt(8)) {
            case 0 -> randomText(r);
            case 1 -> r.nextLong() >> r.nextInt(64);
            case 2 -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
            case 3 -> r.nextBoolean();
            case 4 -> null;
            case 5 -> (long) r.nextInt(100);
            case 6 -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put(randomText(r), randomValue(r, depth + 1));
                }
                yield m;
            }
        };
    }

    /** ASCII, escapes, control characters, separators, Japanese and characters beyond the BMP. */
    private static String randomText(Random r) {
        String[] parts = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u001f", "\r", "\b", "\f", "\u0000",
            "\u007f", "\u2028", "é", "渋谷", "\ud83d\ude00", "<b>"};
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }
}
