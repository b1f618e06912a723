package io.tsunagu.server.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.recs.Catalog;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a lookup shows, from profiles a store following a policy would hold. */
class CustomerViewTest {

    static final long DAY = 86_400_000L;
    static final long NOW = 1_790_000_000_000L;
    /** Keeps two events per type: older ones live on in the aggregates only. */
    static final ProfilePolicy TWO_PER_TYPE = new ProfilePolicy(2, 800, ProfilePolicy.DEFAULT.dimensions(),
            ProfilePolicy.DEFAULT.measures());

    static Event ev(String id, String type, long ts, Object... props) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            m.put((String) props[i], props[i + 1]);
        }
        return new Event(id, type, ts, m);
    }

    @Test
    void knownAtStore_seesVisitsTheProfileNoLongerKeeps() {
        Profile p = TWO_PER_TYPE.apply("M-1", Map.of(), List.of(
                ev("a", "store_visit", NOW - 300 * DAY, "store_id", "ginza"),
                ev("b", "store_visit", NOW - 20 * DAY, "store_id", "shibuya"),
                ev("c", "store_visit", NOW - 10 * DAY, "store_id", "shibuya")), NOW);
        assertEquals(2, p.events("store_visit").length, "the ginza visit was trimmed");
        assertTrue(CustomerView.knownAtStore(p, "ginza"), "the aggregates still know the store");
        assertTrue(CustomerView.knownAtStore(p, "shibuya"));
        assertFalse(CustomerView.knownAtStore(p, "umeda"));
    }

    @Test
    void knownAtStore_countsBookingsAndPurchases_notHomeStoreAlone() {
        Profile booked = ProfilePolicy.DEFAULT.apply("M-2", Map.of(), List.of(
                ev("r", "store_visit", NOW + 3 * DAY, "store_id", "umeda", "kind", "reservation")), NOW);
        assertTrue(CustomerView.knownAtStore(booked, "umeda"), "a visit booked ahead counts");
        Profile bought = ProfilePolicy.DEFAULT.apply("M-3", Map.of(), List.of(
                ev("p", "purchase", NOW - DAY, "channel", "store", "store_id", "hakata")), NOW);
        assertTrue(CustomerView.knownAtStore(bought, "hakata"));
        Profile home = ProfilePolicy.DEFAULT.apply("M-4", Map.of("home_store", "hakata"), List.of(), NOW);
        assertFalse(CustomerView.knownAtStore(home, "hakata"));
        // Regression: any event with a store_id counted — a visitor's page view of the store's page, too.
        Profile browsed = ProfilePolicy.DEFAULT.apply("M-6", Map.of(), List.of(
                ev("v", "page_view", NOW - DAY, "store_id", "hakata"),
                ev("w", "purchase", NOW - DAY, "channel", "web", "store_id", "hakata")), NOW);
        assertFalse(CustomerView.knownAtStore(browsed, "hakata"), "a page view and a web order are no visit");
        assertFalse(CustomerView.exists(Profile.empty("M-5")));
        assertTrue(CustomerView.exists(home));
    }

    @Test
    void interests_countTrimmedEventsThroughTheAggregates() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(ev("v" + i, "page_view", NOW - (i + 1) * DAY, "brand", "hoshi", "category", "shirts"));
        }
        events.add(ev("p1", "purchase", NOW - 2 * DAY, "brand", "kumo", "category", "knit", "channel", "store"));
        events.add(ev("old", "purchase", NOW - 400 * DAY, "brand", "sora", "category", "bags", "channel", "store"));
        Profile p = TWO_PER_TYPE.apply("M-6", Map.of(), events, NOW);
        List<Object> brands = CustomerView.interests(p, Catalog.EMPTY, TWO_PER_TYPE, "brand", NOW);
        assertEquals(2, brands.size(), "sora was bought more than a year ago: " + brands);
        Map<?, ?> top = (Map<?, ?>) brands.get(0);
        assertEquals("hoshi", top.get("value"), "six views (four of them trimmed) outweigh one purchase");
        assertEquals(6L, top.get("views"));
        assertEquals("kumo", ((Map<?, ?>) brands.get(1)).get("value"));
    }

    @Test
    void kinds_forTheTimelineIcons() {
        assertEquals("web_view", CustomerView.kind(ev("1", "page_view", NOW)));
        assertEquals("store_purchase", CustomerView.kind(ev("2", "purchase", NOW, "channel", "store")));
        assertEquals("web_purchase", CustomerView.kind(ev("3", "purchase", NOW, "channel", "web")));
        assertEquals("reservation", CustomerView.kind(ev("4", "store_visit", NOW, "kind", "reservation")));
        assertEquals("store_visit", CustomerView.kind(ev("5", "store_visit", NOW, "kind", "checkin")));
        assertEquals("survey", CustomerView.kind(ev("6", "survey", NOW)));
        assertEquals("other", CustomerView.kind(ev("7", "wishlist_add", NOW)));
        assertEquals("contact", CustomerView.channel("call"));
    }

    @Test
    void timelineCursor_keepsEventsOfTheSameMillisecondApart() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(ev("line-" + i, "purchase", NOW - DAY, "channel", "store", "line", i)); // one receipt, five lines
        }
        Profile p = ProfilePolicy.DEFAULT.apply("M-7", Map.of(), events, NOW);
        List<Object> seen = new ArrayList<>();
        CustomerView.Cursor before = null;
        for (int page = 0; page < 5; page++) {
            Map<String, Object> t = CustomerView.timeline(p, Catalog.EMPTY, before, 2, NOW);
            for (Object e : (List<?>) t.get("events")) {
                seen.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) e).get("props")).get("line")));
            }
            if (t.get("next_before") == null) {
                break;
            }
            before = CustomerView.Cursor.parse((String) t.get("next_before"));
        }
        assertEquals(List.of("4", "3", "2", "1", "0"), seen, "every line once, in a stable order");
        assertNull(CustomerView.Cursor.parse(null));
        assertEquals(new CustomerView.Cursor(123, null), CustomerView.Cursor.parse("123"));
        assertThrows(IllegalArgumentException.class, () -> CustomerView.Cursor.parse("???"));
        assertThrows(IllegalArgumentException.class, () -> CustomerView.Cursor.parse("x".repeat(500)));
    }
}
