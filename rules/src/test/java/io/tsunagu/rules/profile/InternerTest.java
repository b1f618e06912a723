package io.tsunagu.rules.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InternerTest {

    @Test
    void bytesAndStrings_findTheSameInstance() {
        String brand = Interner.value(new String("kumo-intern-test"));
        byte[] b = "{\"brand\":\"kumo-intern-test\"}".getBytes(StandardCharsets.US_ASCII);
        assertSame(brand, Interner.value(b, 10, 26));
        String name = Interner.name(b, 2, 7);
        assertEquals("brand", name);
        assertSame(name, Interner.name(new String("brand")));
    }

    @Test
    void aSlotHeldByOtherText_givesTheTextAsked() {
        // Every string of the table's size lands somewhere: fill with many, then ask again: each answer
        // is the text asked for, whoever holds its slot.
        for (int n = 0; n < 100_000; n++) {
            String s = "v" + n;
            Interner.value(s);
        }
        for (int n = 0; n < 100_000; n += 997) {
            byte[] b = ("v" + n).getBytes(StandardCharsets.US_ASCII);
            assertEquals("v" + n, Interner.value(b, 0, b.length));
            assertEquals("v" + n, Interner.name(b, 0, b.length));
        }
    }

    @Test
    void eventProps_fromPairs_areSharedAndInOrder() {
        Map<String, Object> p = Event.props(new Object[] {new String("brand"), new String("kumo"), "amount", 3L});
        assertEquals("{brand=kumo, amount=3}", p.toString());
        assertSame(Interner.name("brand"), p.keySet().iterator().next());
        assertSame(Interner.value("kumo"), p.get("brand"));
    }

    @Test
    void unsharedEvents_keepTheStringsTheyWereGiven() {
        String brand = new String("kumo");
        Interner.value("kumo");
        Event e = Event.unshared("r-1", "purchase", 1L, Map.of("brand", brand));
        assertSame(brand, e.prop("brand"));
        assertEquals(new Event("r-1", "purchase", 1L, Map.of("brand", "kumo")).toString(), e.toString());
    }
}
