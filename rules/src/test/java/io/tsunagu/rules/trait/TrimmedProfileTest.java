package io.tsunagu.rules.trait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.testing.TestRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stored profile keeps only the last few events of each type plus daily aggregates. For windows
 * that start on a day boundary, every aggregate-backed trait must read exactly what the full
 * history gives: the trimmed part comes from aggregates, the rest from the kept events.
 */
class TrimmedProfileTest {

    private static final long DAY = 86_400_000L;
    /** Midnight UTC, so that every "within Nd" window starts on a day boundary. */
    private static final long NOW = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final ProfilePolicy KEEP_20 = new ProfilePolicy(20, 800, ProfilePolicy.DEFAULT.dimensions(),
            ProfilePolicy.DEFAULT.measures());

    private static final RuleSet RULES = TestRules.rules("""
            traits:
              visits:          { count: store_visit }
              visits_30d:      { count: store_visit, within: 30d }
              visits_365d:     { count: store_visit, within: 365d }
              shibuya_90d:     { count: store_visit, within: 90d, where: { store_id: shibuya } }
              east_stores:     { count: store_visit, where: { store_id: { $in: [shibuya, ginza] } } }
              store_buys_365d: { count: purchase, within: 365d, where: { channel: store } }
              views:           { count: page_view }
              spend:           { sum: purchase.amount }
              spend_90d:       { sum: purchase.amount, within: 90d }
              store_spend:     { sum: purchase.amount, where: { channel: store } }
              cheapest:        { min: purchase.amount }
              dearest_365d:    { max: purchase.amount, within: 365d }
              first_purchase:  { first: purchase }
              last_visit:      { last: store_visit }
              last_store:      { last: store_visit.store_id }
              stores:          { distinct: store_visit.store_id }
              stores_90d:      { distinct: store_visit.store_id, within: 90d }
              brands:          { distinct: purchase.brand }
              top_brands:      { top: purchase.brand, n: 50 }
              top_store_brands_365d: { top: purchase.brand, n: 50, within: 365d, where: { brand: { $in: [kumo, hoshi] } } }
            """);

    private static final List<String> STORES = List.of("shibuya", "ginza", "umeda", "sapporo", "hakata");
    private static final List<String> BRANDS = List.of("kumo", "hoshi", "nami", "sora", "yama", "kaze");

    static List<Event> history(long seed) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            long ts = NOW - (long) (r.nextDouble() * 420 * DAY) - 1;
            switch (r.nextInt(3)) {
                case 0 -> events.add(new Event("v" + i, "store_visit", ts, Map.of("store_id", STORES.get(r.nextInt(STORES.size())))));
                case 1 -> events.add(new Event("p" + i, "purchase", ts, Map.of(
                        "channel", r.nextBoolean() ? "store" : "web",
                        "brand", BRANDS.get(r.nextInt(BRANDS.size())),
                        "amount", 500 + r.nextInt(20000))));
                default -> events.add(new Event("w" + i, "page_view", ts, Map.of("brand", BRANDS.get(r.nextInt(BRANDS.size())))));
            }
        }
        return events;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void withEvents_oneAtATime_equalsStoringThemAllAtOnce(long seed) {
        withEventsInBatches_equalsStoringThemAllAtOnce(seed, 1);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void withEvents_inBatches_equalsStoringThemAllAtOnce(long seed) {
        withEventsInBatches_equalsStoringThemAllAtOnce(seed, 7);
    }

    private static void withEventsInBatches_equalsStoringThemAllAtOnce(long seed, int batchSize) {
        List<Event> events = new ArrayList<>(history(seed));
        events.sort(java.util.Comparator.comparingLong(Event::ts));
        // Nearly in time order, as live traffic is: swap neighbours, and retry a recent request.
        Random r = new Random(seed);
        for (int i = 1; i < events.size(); i += 1 + r.nextInt(5)) {
            java.util.Collections.swap(events, i - 1, i);
        }
        events.add(events.get(events.size() - 3));
        Profile expected = KEEP_20.apply("M-1", Map.of(), events, NOW);
        Profile incremental = Profile.empty("M-1");
        for (int i = 0; i < events.size(); i += batchSize) {
            List<Event> batch = events.subList(i, Math.min(events.size(), i + batchSize));
            for (Event e : batch) {
                assertTrue(incremental.appendsExactly(e) || e.ts() < NOW - 800 * DAY, e.toString());
            }
            incremental = incremental.withEvents(batch, KEEP_20, NOW);
        }
        for (String type : List.of("store_visit", "purchase", "page_view")) {
            assertEquals(List.of(expected.events(type)), List.of(incremental.events(type)), type);
            assertEquals(expected.retainedFrom(type), incremental.retainedFrom(type), type);
        }
        assertEquals(RULES.traitValues(expected, NOW), RULES.traitValues(incremental, NOW));
    }

    @org.junit.jupiter.api.Test
    void withEvents_onOneSnapshotTwice_givesTwoIndependentProfiles() {
        // Snapshots share event buffers: a second branch off the same snapshot must not see the first.
        Profile base = Profile.empty("M-1");
        for (int i = 0; i < 30; i++) {
            base = base.withEvents(List.of(new Event("w" + i, "page_view", NOW - (30 - i) * 1000L, Map.of())), KEEP_20, NOW);
        }
        List<Event> before = List.of(base.events("page_view"));
        Event x = new Event("x", "page_view", NOW, Map.of("brand", "kumo"));
        Event y = new Event("y", "page_view", NOW, Map.of("brand", "sora"));
        Profile a = base.withEvents(List.of(x), KEEP_20, NOW);
        Profile b = base.withEvents(List.of(y), KEEP_20, NOW);
        Profile a2 = a.withEvents(List.of(new Event("x2", "page_view", NOW + 1, Map.of())), KEEP_20, NOW + 1);

        assertEquals(before, List.of(base.events("page_view")), "the shared snapshot is unchanged");
        assertEquals(20, before.size());
        assertEquals(x, a.events("page_view")[19]);
        assertEquals(y, b.events("page_view")[19]);
        assertEquals(List.of(base.events("page_view")).subList(1, 20), List.of(b.events("page_view")).subList(0, 19));
        assertEquals(List.of(x, a2.events("page_view")[19]), List.of(a2.events("page_view")).subList(18, 20));
        assertEquals(x, a.events("page_view")[19], "a is unchanged by a2");
        Profile aLater = a;
        for (int i = 0; i < 20; i++) {
            aLater = aLater.withEvents(List.of(new Event("z" + i, "page_view", NOW + 2 + i, Map.of())), KEEP_20, NOW + 30);
        }
        assertEquals(1.0, aLater.aggregates().count("page_view", "brand", "kumo").sum(Integer.MIN_VALUE, Integer.MAX_VALUE),
                "x, trimmed, is in the aggregates");
        assertEquals(null, a.aggregates().count("page_view", "brand", "kumo"), "kept events are not in the aggregates");
        assertEquals(null, b.aggregates().count("page_view", "brand", "kumo"), "b never saw x");
    }

    @org.junit.jupiter.api.Test
    void withEvents_refusesEventsOlderThanTheTrimmedPart() {
        List<Event> events = history(5);
        Profile stored = KEEP_20.apply("M-1", Map.of(), events, NOW);
        Event late = new Event("late", "purchase", stored.retainedFrom("purchase") - DAY, Map.of("amount", 100));
        assertEquals(false, stored.appendsExactly(late));
        assertTrue(stored.withEvents(List.of(late), KEEP_20, NOW) == stored, "unchanged: the caller must reload");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void traits_ofATrimmedProfile_equalTheFullHistory(long seed) {
        List<Event> events = history(seed);
        Profile full = Profile.builder("M-1").events(events).build();
        Profile trimmed = KEEP_20.apply("M-1", Map.of(), events, NOW);
        assertEquals(20, trimmed.events("purchase").length, "the store keeps 20 purchases");
        assertTrue(trimmed.retainedFrom("purchase") > NOW - 90 * DAY, "purchases older than 90 days live only in aggregates");

        Map<String, Object> expected = RULES.traitValues(full, NOW);
        Map<String, Object> actual = RULES.traitValues(trimmed, NOW);
        for (String trait : expected.keySet()) {
            Object e = expected.get(trait);
            Object a = actual.get(trait);
            if (trait.startsWith("top_")) {
                // Ties may order differently (kept events know the second, aggregates the day): compare contents.
                assertEquals(new HashSet<>((List<?>) e), new HashSet<>((List<?>) a), trait);
            } else if (e instanceof Double d) {
                assertEquals(d, (Double) a, 1e-6, trait);
            } else {
                assertEquals(e, a, trait);
            }
        }
    }
}
