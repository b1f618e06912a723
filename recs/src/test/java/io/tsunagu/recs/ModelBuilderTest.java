package io.tsunagu.recs;

import static io.tsunagu.recs.TestShop.DAY;
import static io.tsunagu.recs.TestShop.NOW;
import static io.tsunagu.recs.TestShop.UTC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Baskets, related items and popularity as the builder counts them, and the model's storage format. */
class ModelBuilderTest {

    private static final ModelBuilder.Settings SETTINGS = ModelBuilder.Settings.DEFAULT;
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    private static List<String> related(RecsModel m, String item) {
        return m.related(item).stream().map(RecsModel.Related::item).toList();
    }

    @Test
    void aBasketIsOneCustomersPurchasesOnOneDay() {
        ModelBuilder b = new ModelBuilder(UTC, SETTINGS);
        for (int i = 0; i < 3; i++) {
            // Same customer, consecutive days: not bought together.
            b.add("x" + i, NOW - 2 * DAY, "tent", "outdoor");
            b.add("x" + i, NOW - DAY, "stove", "outdoor");
            // Same day, different customers: not bought together either.
            b.add("y" + i, NOW - DAY, "lamp", "outdoor");
            b.add("z" + i, NOW - DAY, "chair", "outdoor");
            // Same customer, same day, hours apart (a store receipt and a web order): together.
            b.add("w" + i, NOW - DAY, "tent", "outdoor");
            b.add("w" + i, NOW - DAY + 5 * 3_600_000L, "pegs", "outdoor");
        }
        RecsModel m = b.build(NOW);
        assertEquals(List.of("pegs"), related(m, "tent"));
        assertEquals(List.of(), related(m, "stove"));
        assertEquals(List.of(), related(m, "lamp"));
        assertEquals(15, m.baskets());
    }

    @Test
    void theBasketDay_isTheDayInTheGivenZone() {
        // 23:30 and 00:30 in Tokyo: two days there, one day (14:30 and 15:30) in UTC.
        long lateEvening = Instant.parse("2026-03-01T14:30:00Z").toEpochMilli();
        long afterMidnight = Instant.parse("2026-03-01T15:30:00Z").toEpochMilli();
        ModelBuilder tokyo = new ModelBuilder(TOKYO, SETTINGS);
        ModelBuilder utc = new ModelBuilder(UTC, SETTINGS);
        for (int i = 0; i < 3; i++) {
            for (ModelBuilder b : List.of(tokyo, utc)) {
                b.add("c" + i, lateEvening, "sake", null);
                b.add("c" + i, afterMidnight, "cups", null);
            }
        }
        assertEquals(List.of(), related(tokyo.build(NOW), "sake"));
        assertEquals(List.of("cups"), related(utc.build(NOW), "sake"));
    }

    @Test
    void pairsBelowMinSupport_areNotRelated() {
        ModelBuilder b = new ModelBuilder(UTC, SETTINGS);
        b.add("once", NOW - DAY, "a", null);
        b.add("once", NOW - DAY, "b", null);
        for (int i = 0; i < 2; i++) {
            b.add("twice" + i, NOW - DAY, "a", null);
            b.add("twice" + i, NOW - DAY, "c", null);
        }
        assertEquals(List.of("c"), related(b.build(NOW), "a"));
    }

    @Test
    void anOversizedBasket_countsForPopularityButNotForPairs() {
        ModelBuilder.Settings small = new ModelBuilder.Settings(50, 2, 0.5, 30, 3, false);
        ModelBuilder b = new ModelBuilder(UTC, small);
        for (int i = 0; i < 5; i++) {
            for (String item : List.of("a", "b", "c", "d")) {
                b.add("restock" + i, NOW - DAY, item, null);
            }
        }
        RecsModel m = b.build(NOW);
        assertEquals(List.of(), related(m, "a"));
        assertEquals(List.of("a", "b", "c", "d"), m.popularItems(10));
    }

    @Test
    void related_ranksAComplementAheadOfAnUnrelatedBestSeller() {
        RecsModel m = TestShop.model(TestShop.plantedComplement(), SETTINGS, UTC);
        assertEquals(List.of("C", "B"), related(m, "A").subList(0, 2));
        assertEquals("B", m.popularItems(1).get(0));
    }

    @Test
    void popularItems_recentPurchasesRankBeforeOlderOnes() {
        ModelBuilder b = new ModelBuilder(UTC, SETTINGS);
        for (int i = 0; i < 20; i++) {
            b.add("old" + i, NOW - 100 * DAY, "last-season", null);
        }
        for (int i = 0; i < 3; i++) {
            b.add("new" + i, NOW - DAY, "this-season", null);
        }
        assertEquals(List.of("this-season", "last-season"), b.build(NOW).popularItems(5));
    }

    @Test
    void writeThenRead_keepsRelatedItemsAndPopularity() throws IOException {
        List<Evaluation.Purchase> purchases = new ArrayList<>(TestShop.plantedComplement());
        purchases.add(new Evaluation.Purchase("no-category", NOW - DAY, "X", null, null));
        RecsModel m = TestShop.model(purchases, SETTINGS, UTC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);

        RecsModel read = RecsModel.read(new ByteArrayInputStream(out.toByteArray()));

        assertEquals(m.size(), read.size());
        assertEquals(m.baskets(), read.baskets());
        assertEquals(m.builtAt(), read.builtAt());
        assertEquals(m.popularItems(m.size()), read.popularItems(read.size()));
        for (String item : m.popularItems(m.size())) {
            assertEquals(m.related(item), read.related(item), item);
        }
        // The recommender sees the same model: same recommendations by category and by co-purchase.
        Catalog catalog = TestShop.catalogOf(purchases);
        Shopper onA = new Shopper(List.of(), List.of(), "A", null, NOW);
        for (String strategy : List.of("bought_together", "popular_in_category")) {
            assertEquals(TestShop.ids(new Recommender(catalog, m).recommend(TestShop.spec(strategy, 10), onA)),
                    TestShop.ids(new Recommender(catalog, read).recommend(TestShop.spec(strategy, 10), onA)), strategy);
        }
    }

    @Test
    void read_rejectsAnythingElse() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write("not a model at all".getBytes());
        }
        assertThrows(IOException.class, () -> RecsModel.read(new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void tuning_keepsComplementsWhereTheyPredictLaterBaskets_andSwitchesThemOffWhereTheyDoNot() throws IOException {
        RecsModel planted = tunedOn(true);
        assertTrue(Double.isFinite(planted.tuning().pageZ()), "complements on a page: " + planted.tuning());

        RecsModel independent = tunedOn(false);
        assertTrue(Double.isInfinite(independent.tuning().pageZ()), "no pair signal: " + independent.tuning());
        assertTrue(Double.isInfinite(independent.tuning().historyZ()), "no pair signal: " + independent.tuning());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        planted.write(out);
        assertEquals(planted.tuning(), RecsModel.read(new ByteArrayInputStream(out.toByteArray())).tuning());
    }

    /**
     * 600 customers shopping on 6 days each over 120 days: two items by popularity, and one of 20
     * seeds with — if {@code coupled} — its own companion 90 % of the time, else a random companion.
     */
    private static RecsModel tunedOn(boolean coupled) {
        Random random = new Random(42);
        ModelBuilder b = new ModelBuilder(UTC, SETTINGS);
        for (int c = 0; c < 600; c++) {
            for (int visit = 0; visit < 6; visit++) {
                long ts = NOW - (120 - (c % 20) - visit * 20L) * DAY;
                for (int k = 0; k < 2; k++) {
                    b.add("c" + c, ts, "P" + (int) Math.floor(Math.pow(random.nextDouble(), 2) * 30), null);
                }
                int seed = random.nextInt(20);
                b.add("c" + c, ts, "S" + seed, null);
                if (random.nextDouble() < 0.9) {
                    b.add("c" + c, ts, "T" + (coupled ? seed : random.nextInt(20)), null);
                }
            }
        }
        return b.build(NOW);
    }
}
