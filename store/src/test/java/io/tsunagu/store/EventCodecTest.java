package io.tsunagu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void wholeDoubles_areStoredAsIntegers() {
        assertEquals("3", EventCodec.encodeValue(3.0));
        assertEquals(3L, EventCodec.decodeValue("3"));
        assertEquals("text", EventCodec.decodeValue("text"), "a value someone wrote by hand is kept as text");
    }
}
