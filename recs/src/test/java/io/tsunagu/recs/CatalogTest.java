package io.tsunagu.recs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {

    static Catalog.Product product(String id, String brand, String category, String launched, Object active) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("brand", brand);
        m.put("category", category);
        if (launched != null) {
            m.put("launched_at", launched);
        }
        if (active != null) {
            m.put("active", active);
        }
        return Catalog.product(m);
    }

    @Test
    void brandsAndCategories_listTheirProducts_newestFirst_unknownLaunchDatesLast() {
        Catalog c = new Catalog(List.of(product("P-1", "kumo", "shirts", "2026-01-10", null),
                product("P-2", "kumo", "knit", "2026-11-01", null), product("P-3", "kumo", "shirts", null, null),
                product("P-4", "hoshi", "shirts", "2026-06-01", false), product("P-5", "kumo", "shirts", "2026-11-01", null)));
        assertEquals(List.of("P-2", "P-5", "P-1", "P-3"), ids(c.brand("kumo")), "ties in launch date by id");
        assertEquals(List.of("P-5", "P-4", "P-1", "P-3"), ids(c.category("shirts")));
        assertEquals(List.of(), c.brand("nami"));
        assertFalse(c.get("P-4").active());
        assertEquals(5, c.size());
        assertEquals("P-2", c.all().get(0).id());
    }

    @Test
    void aStoredProductWithoutId_isSkipped_andABadDateSortsLast() {
        assertNull(Catalog.product(Map.of("name", "no id")));
        assertNull(product("P-9", "kumo", "shirts", "yesterday", null).launchedAt());
    }

    static List<String> ids(List<Catalog.Product> ps) {
        List<String> out = new ArrayList<>();
        ps.forEach(p -> out.add(p.id()));
        return out;
    }
}
