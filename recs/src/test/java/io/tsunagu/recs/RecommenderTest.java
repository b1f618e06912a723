package io.tsunagu.recs;

import static io.tsunagu.recs.TestShop.DAY;
import static io.tsunagu.recs.TestShop.HOUR;
import static io.tsunagu.recs.TestShop.NOW;
import static io.tsunagu.recs.TestShop.UTC;
import static io.tsunagu.recs.TestShop.bought;
import static io.tsunagu.recs.TestShop.ids;
import static io.tsunagu.recs.TestShop.product;
import static io.tsunagu.recs.TestShop.shopper;
import static io.tsunagu.recs.TestShop.spec;
import static io.tsunagu.recs.TestShop.viewed;
import static io.tsunagu.recs.TestShop.withFallback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.content.RecommendSpec;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The five strategies, their exclusions and the fallback, on small hand-made catalogs and models. */
class RecommenderTest {

    // ---- same_brand_new -------------------------------------------------------------------------

    private static final Catalog BRANDS = new Catalog(List.of(
            product("kumo-old", "kumo", "coats", "2025-01-10"),
            product("kumo-mid", "kumo", "coats", "2026-06-01"),
            product("kumo-bought", "kumo", "coats", "2026-03-01"),
            product("kumo-new", "kumo", "coats", "2026-10-01"),
            product("kumo-newer", "kumo", "coats", "2026-11-01"),
            product("kumo-hidden", "kumo", "coats", "2026-11-10", "active", false),
            product("kumo-sold-out", "kumo", "coats", "2026-11-12", "stock", 0),
            product("hoshi-new", "hoshi", "coats", "2026-11-15"),
            product("hoshi-bought", "hoshi", "coats", "2024-01-01"),
            product("nami-new", "nami", "coats", "2026-11-18")));

    @Test
    void sameBrandNew_newestFirst_withoutOwnedInactiveOrSoldOut_andIgnoresPurchasesBeforeTheLookback() {
        Recommender r = new Recommender(BRANDS, RecsModel.EMPTY);
        Shopper s = shopper(List.of(bought("kumo-bought", "kumo", 10 * DAY), bought("hoshi-bought", "hoshi", 400 * DAY)),
                List.of(), null, null);

        Recommender.Result result = r.recommend(spec("same_brand_new", 8), s);

        assertEquals(List.of("kumo-newer", "kumo-new", "kumo-mid", "kumo-old"), ids(result),
                "hoshi was bought 400 days ago, outside the 365-day lookback");
        assertEquals("same_brand_new", result.strategy());
        assertNull(result.why());
    }

    @Test
    void sameBrandNew_takesTheBrandFromTheCatalogWhenThePurchaseHasNone() {
        Recommender r = new Recommender(BRANDS, RecsModel.EMPTY);
        Shopper s = shopper(List.of(bought("kumo-bought", null, DAY)), List.of(), null, null);
        assertEquals(List.of("kumo-newer", "kumo-new"), ids(r.recommend(spec("same_brand_new", 2), s)));
    }

    @Test
    void sameBrandNew_onlyOldPurchases_findsNothing_andSaysWhy() {
        Recommender r = new Recommender(BRANDS, RecsModel.EMPTY);
        Shopper s = shopper(List.of(bought("kumo-bought", "kumo", 366 * DAY)), List.of(), null, null);
        Recommender.Result result = r.recommend(spec("same_brand_new", 8), s);
        assertTrue(result.isEmpty());
        assertEquals("same_brand_new: no purchase with a brand in the lookback", result.why());
    }

    @Test
    void sameBrandNew_aBrandBoughtLessOften_needsMuchNewerProductsToRankFirst() {
        // kumo bought twice, hoshi once: hoshi's products rank as if launched some weeks earlier.
        Catalog c = new Catalog(List.of(
                product("kumo-1", "kumo", null, "2026-11-01"),
                product("hoshi-slightly-newer", "hoshi", null, "2026-11-05"),
                product("hoshi-months-newer", "hoshi", null, "2027-03-01")));
        Shopper s = shopper(List.of(bought("k-a", "kumo", DAY), bought("k-b", "kumo", 2 * DAY), bought("h-a", "hoshi", 3 * DAY)),
                List.of(), null, null);
        assertEquals(List.of("hoshi-months-newer", "kumo-1", "hoshi-slightly-newer"),
                ids(new Recommender(c, RecsModel.EMPTY).recommend(spec("same_brand_new", 8), s)));
    }

    // ---- bought_together ------------------------------------------------------------------------

    private static final List<Evaluation.Purchase> PLANTED = TestShop.plantedComplement();
    private static final Recommender PLANTED_RECS = new Recommender(TestShop.catalogOf(PLANTED),
            TestShop.model(PLANTED, ModelBuilder.Settings.DEFAULT, UTC));

    @Test
    void boughtTogether_onAProductPage_ranksItsComplementAheadOfTheBestSeller() {
        assertEquals(List.of("B"), PLANTED_RECS.model().popularItems(1), "the premise: B is the best-seller");

        List<String> recs = ids(PLANTED_RECS.recommend(spec("bought_together", 8), shopper(List.of(), List.of(), "A", null)));

        assertEquals(List.of("C", "B"), recs.subList(0, 2), recs.toString());
        assertFalse(recs.contains("A"), "the page product itself");
        assertEquals(8, recs.size());
    }

    @Test
    void boughtTogether_withoutAProductPage_seedsFromRecentPurchases_andLeavesOutWhatWasBought() {
        Shopper boughtA = shopper(List.of(bought("A", "kumo", 3 * DAY)), List.of(), null, null);
        List<String> recs = ids(PLANTED_RECS.recommend(spec("bought_together", 8), boughtA));
        assertEquals(List.of("C", "B"), recs.subList(0, 2), recs.toString());
        assertFalse(recs.contains("A"));

        Shopper boughtAAndC = shopper(List.of(bought("C", "kumo", DAY), bought("A", "kumo", 3 * DAY)), List.of(), null, null);
        List<String> recs2 = ids(PLANTED_RECS.recommend(spec("bought_together", 8), boughtAAndC));
        assertEquals("B", recs2.get(0), recs2.toString());
        assertFalse(recs2.contains("A") || recs2.contains("C"), recs2.toString());
    }

    @Test
    void boughtTogether_purchasesBeforeTheLookback_areNoSeeds() {
        Shopper longAgo = shopper(List.of(bought("A", "kumo", 400 * DAY)), List.of(), null, null);
        Recommender.Result result = PLANTED_RECS.recommend(spec("bought_together", 8), longAgo);
        assertTrue(result.isEmpty(), ids(result).toString());
        assertNotNull(result.why());
    }

    @Test
    void boughtTogether_withNothingToStartFrom_findsNothing_andSaysWhy() {
        Recommender.Result result = PLANTED_RECS.recommend(spec("bought_together", 8), shopper(List.of(), List.of(), null, null));
        assertTrue(result.isEmpty());
        assertEquals("bought_together: no product on the page and no purchases", result.why());
    }

    @Test
    void boughtTogether_leavesOutAnUnavailableComplement() {
        List<Catalog.Product> products = new ArrayList<>(PLANTED_RECS.catalog().all());
        products.removeIf(p -> p.id().equals("C"));
        products.add(product("C", "kumo", "kitchen", "2026-01-01", "stock", 0));
        Recommender r = new Recommender(new Catalog(products), PLANTED_RECS.model());
        List<String> recs = ids(r.recommend(spec("bought_together", 8), shopper(List.of(), List.of(), "A", null)));
        assertEquals("B", recs.get(0), recs.toString());
        assertFalse(recs.contains("C"));
    }

    // ---- repeat_purchase ------------------------------------------------------------------------

    private static final Catalog PANTRY = new Catalog(List.of(
            product("rice", "kome", "food", "2020-01-01"),
            product("kettle", "kama", "kitchen", "2020-01-01")));

    /** Rice bought every 30 days, the last time {@code sinceLast} before now; a kettle bought once. */
    private static Shopper riceBuyer(long sinceLast) {
        long last = NOW - sinceLast;
        return new Shopper(List.of(
                new Shopper.Bought("rice", null, null, last),
                new Shopper.Bought("kettle", null, null, last - 10 * DAY),
                new Shopper.Bought("rice", null, null, last - 30 * DAY),
                new Shopper.Bought("rice", null, null, last - 60 * DAY)), List.of(), null, null, NOW);
    }

    @Test
    void repeatPurchase_recommendsAnItemOnceItsUsualIntervalHasPassed_notBefore() {
        Recommender r = new Recommender(PANTRY, RecsModel.EMPTY);

        Recommender.Result early = r.recommend(spec("repeat_purchase", 8), riceBuyer(29 * DAY));
        assertTrue(early.isEmpty(), ids(early).toString());
        assertEquals("repeat_purchase: no repeat purchase is due yet", early.why());

        assertEquals(List.of("rice"), ids(r.recommend(spec("repeat_purchase", 8), riceBuyer(30 * DAY))));
        assertEquals(List.of("rice"), ids(r.recommend(spec("repeat_purchase", 8), riceBuyer(45 * DAY))),
                "the kettle, bought once, is never due");
    }

    @Test
    void repeatPurchase_anItemBoughtOnce_isNeverDue() {
        Recommender r = new Recommender(PANTRY, RecsModel.EMPTY);
        Shopper s = shopper(List.of(bought("kettle", null, 300 * DAY)), List.of(), null, null);
        Recommender.Result result = r.recommend(spec("repeat_purchase", 8), s);
        assertTrue(result.isEmpty());
        assertEquals("repeat_purchase: nothing bought more than once", result.why());
    }

    @Test
    void repeatPurchase_twoPurchasesOnOneDay_countAsOne() {
        // Last bought 20 days ago (twice that day) and 30 days before that: the interval is 30 days, not 15.
        Recommender r = new Recommender(PANTRY, RecsModel.EMPTY);
        Shopper s = shopper(List.of(bought("rice", null, 20 * DAY), bought("rice", null, 20 * DAY + 2 * HOUR),
                bought("rice", null, 50 * DAY)), List.of(), null, null);
        assertTrue(r.recommend(spec("repeat_purchase", 8), s).isEmpty());
    }

    @Test
    void repeatPurchase_dueAfter_scalesTheInterval() {
        Recommender r = new Recommender(PANTRY, RecsModel.EMPTY);
        RecommendSpec early = new RecommendSpec("repeat_purchase", 8, RecommendSpec.DEFAULT_LOOKBACK_MS, false, null, 1, 0.8);
        assertEquals(List.of("rice"), ids(r.recommend(early, riceBuyer(25 * DAY))), "25 days is past 0.8 × 30 days");
        assertTrue(r.recommend(early, riceBuyer(23 * DAY)).isEmpty(), "23 days is not");
    }

    @Test
    void repeatPurchase_leavesOutTheProductOnThePage() {
        Recommender r = new Recommender(PANTRY, RecsModel.EMPTY);
        Shopper onRicePage = new Shopper(riceBuyer(30 * DAY).purchases(), List.of(), "rice", null, NOW);
        assertEquals(List.of(), ids(r.recommend(spec("repeat_purchase", 8), onRicePage)));
    }

    // ---- recently_viewed ------------------------------------------------------------------------

    @Test
    void recentlyViewed_newestFirst_distinct_withoutThePageProduct() {
        Catalog c = new Catalog(List.of(product("v1", null, null, null), product("v2", null, null, null),
                product("v3", null, null, null), product("page", null, null, null),
                product("gone", null, null, null, "active", false)));
        Shopper s = shopper(List.of(), List.of(viewed("v3", HOUR), viewed("v1", 2 * HOUR), viewed("v3", 3 * HOUR),
                viewed("page", 4 * HOUR), viewed("gone", 5 * HOUR), viewed("v2", 6 * HOUR)), "page", null);
        assertEquals(List.of("v3", "v1", "v2"), ids(new Recommender(c, RecsModel.EMPTY).recommend(spec("recently_viewed", 8), s)));
        assertEquals(List.of("v3", "v1"), ids(new Recommender(c, RecsModel.EMPTY).recommend(spec("recently_viewed", 2), s)));
    }

    // ---- popular_in_category --------------------------------------------------------------------

    /** Tea: t1 bought 10 times lately, t2 5 times, t-old 50 times two to three months ago; coffee: k1, 20 times lately. */
    private static final List<Evaluation.Purchase> SHOP;
    static {
        List<Evaluation.Purchase> p = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            p.add(new Evaluation.Purchase("old" + i, NOW - (60 + i % 30) * DAY, "t-old", null, "tea"));
        }
        for (int i = 0; i < 10; i++) {
            p.add(new Evaluation.Purchase("a" + i, NOW - (1 + i) * DAY, "t1", null, "tea"));
        }
        for (int i = 0; i < 5; i++) {
            p.add(new Evaluation.Purchase("b" + i, NOW - (1 + i) * DAY, "t2", null, "tea"));
        }
        for (int i = 0; i < 20; i++) {
            p.add(new Evaluation.Purchase("k" + i, NOW - (1 + i % 10) * DAY, "k1", null, "coffee"));
        }
        SHOP = p;
    }

    private static final Recommender SHOP_RECS = new Recommender(TestShop.catalogOf(SHOP),
            TestShop.model(SHOP, ModelBuilder.Settings.DEFAULT, UTC));

    @Test
    void popularInCategory_usesThePagesCategory_mostBoughtLatelyFirst() {
        assertEquals(List.of("t1", "t2", "t-old"),
                ids(SHOP_RECS.recommend(spec("popular_in_category", 8), shopper(List.of(), List.of(), null, "tea"))));
        assertEquals(List.of("k1"),
                ids(SHOP_RECS.recommend(spec("popular_in_category", 8), shopper(List.of(), List.of(), null, "coffee"))));
    }

    @Test
    void popularInCategory_withoutAPageCategory_usesThePageProductsCategory_withoutThatProduct() {
        assertEquals(List.of("t1", "t-old"),
                ids(SHOP_RECS.recommend(spec("popular_in_category", 8), shopper(List.of(), List.of(), "t2", null))));
    }

    @Test
    void popularInCategory_withoutAModel_showsTheCategorysNewestProducts() {
        Recommender r = new Recommender(BRANDS, RecsModel.EMPTY);
        assertEquals(List.of("nami-new", "hoshi-new", "kumo-newer"),
                ids(r.recommend(spec("popular_in_category", 3), shopper(List.of(), List.of(), null, "coats"))));
    }

    // ---- fallback -------------------------------------------------------------------------------

    @Test
    void fallback_fillsTheListWhenThePrimaryFindsNothing() {
        RecommendSpec s = withFallback(spec("same_brand_new", 8), "popular_in_category", 1);
        Recommender.Result result = SHOP_RECS.recommend(s, shopper(List.of(), List.of(), null, "tea"));
        assertEquals(List.of("t1", "t2", "t-old"), ids(result));
        assertEquals("popular_in_category", result.strategy());
        assertNull(result.why());
    }

    @Test
    void fallback_followsWhatThePrimaryFound_whenItFoundTooFew_withoutRepeatingIt() {
        RecommendSpec s = withFallback(spec("recently_viewed", 8), "popular_in_category", 3);
        Recommender.Result result = SHOP_RECS.recommend(s, shopper(List.of(), List.of(viewed("t2", HOUR)), null, "tea"));
        assertEquals(List.of("t2", "t1", "t-old"), ids(result));
        assertEquals("recently_viewed", result.strategy());
    }

    @Test
    void fallback_whenNothingAtAllIsFound_explainsBoth() {
        RecommendSpec s = withFallback(spec("same_brand_new", 8), "popular_in_category", 1);
        Recommender.Result result = new Recommender(Catalog.EMPTY, RecsModel.EMPTY).recommend(s,
                shopper(List.of(), List.of(), null, null));
        assertTrue(result.isEmpty());
        assertNotNull(result.why());
        assertTrue(result.why().contains("same_brand_new") && result.why().contains("popular_in_category"), result.why());
    }

    @Test
    void fallback_repeatPurchase_doesNotRepeatWhatThePrimaryFound() {
        Recommender r = new Recommender(PANTRY, RecsModel.EMPTY);
        RecommendSpec s = new RecommendSpec("recently_viewed", 8, RecommendSpec.DEFAULT_LOOKBACK_MS, false, "repeat_purchase", 8, 1.0);
        Shopper viewedRice = new Shopper(riceBuyer(30 * DAY).purchases(), List.of(viewed("rice", HOUR)), null, null, NOW);
        assertEquals(List.of("rice"), ids(r.recommend(s, viewedRice)));
    }

    // ---- the shopper ----------------------------------------------------------------------------

    @Test
    void shopper_fromAProfile_listsPurchasesAndViewsNewestFirst_andNotTheFuture() {
        Profile p = Profile.builder("M-1")
                .event(new Event("p1", "purchase", NOW - 3 * DAY, Map.of("product_id", "old", "brand", "kumo")))
                .event(new Event("p2", "purchase", NOW - DAY, Map.of("product_id", "new", "category", "tea")))
                .event(new Event("p3", "purchase", NOW + DAY, Map.of("product_id", "future")))
                .event(new Event("p4", "purchase", NOW - 2 * DAY, Map.of("amount", 100)))
                .event(new Event("v1", "page_view", NOW - 2 * HOUR, Map.of("product_id", "x")))
                .event(new Event("v2", "page_view", NOW - HOUR, Map.of("product_id", "y")))
                .event(new Event("v3", "page_view", NOW - HOUR / 2, Map.of("url", "/")))
                .build();
        Shopper s = Shopper.of(p, Map.of("product_id", "y", "category", "tea"), NOW);
        assertEquals(List.of(new Shopper.Bought("new", null, "tea", NOW - DAY), new Shopper.Bought("old", "kumo", null, NOW - 3 * DAY)),
                s.purchases());
        assertEquals(List.of("y", "x"), s.views().stream().map(Shopper.Viewed::product).toList());
        assertEquals("y", s.pageProduct());
        assertEquals("tea", s.pageCategory());
    }

    @Test
    void shopperViews_readInAnyOrderOfCalls_areTheSame() {
        Profile.Builder b = Profile.builder("M-1");
        for (int i = 0; i < 50; i++) {
            b.event(new Event("v" + i, "page_view", NOW - (50 - i) * HOUR, i % 3 == 0 ? Map.of("url", "/") : Map.of("product_id", "p" + i)));
        }
        Profile p = b.build();
        List<Shopper.Viewed> all = Shopper.of(p, Map.of(), NOW).views().stream().toList();
        assertEquals(33, all.size());
        assertEquals("p49", all.get(0).product());
        Shopper s = Shopper.of(p, Map.of(), NOW);
        assertEquals(all.get(0), s.views().iterator().next());
        assertEquals(all.get(5), s.views().get(5));
        assertEquals(all, s.views(), "what was found early, then the rest");
        assertEquals(33, s.views().size());
        assertTrue(Shopper.of(Profile.builder("M-2").build(), Map.of(), NOW).views().isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> s.views().get(33));
    }

    @Test
    void aStoreReceiptNamingOnlyTheBrand_countsForSameBrandNew_andNothingElse() {
        Profile p = Profile.builder("M-1")
                .event(new Event("s1", "purchase", NOW - 20 * DAY, Map.of("brand", "kumo", "channel", "store", "amount", 9000)))
                .event(new Event("s2", "purchase", NOW - 60 * DAY, Map.of("brand", "kumo", "channel", "store", "amount", 12000)))
                .build();
        Shopper s = Shopper.of(p, Map.of(), NOW);
        assertEquals(List.of(new Shopper.Bought(null, "kumo", null, NOW - 20 * DAY), new Shopper.Bought(null, "kumo", null, NOW - 60 * DAY)),
                s.purchases());
        Recommender r = new Recommender(BRANDS, RecsModel.EMPTY);
        assertEquals(List.of("kumo-newer", "kumo-new"), ids(r.recommend(spec("same_brand_new", 2), s)));
        assertTrue(r.recommend(spec("repeat_purchase", 5), s).isEmpty(), "no product to buy again");
        assertEquals(2, r.recommend(spec("popular_in_category", 2), s).items().size(), "no category known: overall");
        assertTrue(r.recommend(spec("bought_together", 5), s).isEmpty(), "no product to start from");
    }
}
