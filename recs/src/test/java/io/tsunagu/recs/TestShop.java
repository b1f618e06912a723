package io.tsunagu.recs;

import io.tsunagu.rules.content.RecommendSpec;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Products, specs and purchase data for the recommendation tests. */
final class TestShop {

    /** 2026-11-20T01:00:00Z, as in the rules tests. */
    static final long NOW = Instant.parse("2026-11-20T01:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    static final ZoneId UTC = ZoneId.of("UTC");

    private TestShop() {
    }

    /** A product as the loader stores it, with alternating key/value extras ({@code "active", false}). */
    static Catalog.Product product(String id, String brand, String category, String launchedAt, Object... extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("name", "Product " + id);
        if (brand != null) {
            fields.put("brand", brand);
        }
        if (category != null) {
            fields.put("category", category);
        }
        if (launchedAt != null) {
            fields.put("launched_at", launchedAt);
        }
        for (int i = 0; i < extra.length; i += 2) {
            fields.put((String) extra[i], extra[i + 1]);
        }
        return Catalog.product(fields);
    }

    /** The spec a content with only {@code strategy} and {@code limit} compiles to. */
    static RecommendSpec spec(String strategy, int limit) {
        return new RecommendSpec(strategy, limit, RecommendSpec.DEFAULT_LOOKBACK_MS, !strategy.equals("repeat_purchase"), null,
                1, 1.0);
    }

    static RecommendSpec withFallback(RecommendSpec s, String fallback, int minResults) {
        return new RecommendSpec(s.strategy(), s.limit(), s.lookbackMs(), s.excludePurchased(), fallback, minResults, s.dueAfter());
    }

    static Shopper.Bought bought(String product, String brand, long ago) {
        return new Shopper.Bought(product, brand, null, NOW - ago);
    }

    static Shopper.Viewed viewed(String product, long ago) {
        return new Shopper.Viewed(product, NOW - ago);
    }

    /** A shopper on a product page (or none), with purchases and views given newest first. */
    static Shopper shopper(List<Shopper.Bought> purchases, List<Shopper.Viewed> views, String pageProduct, String pageCategory) {
        return new Shopper(purchases, views, pageProduct, pageCategory, NOW);
    }

    static List<String> ids(Recommender.Result r) {
        return r.items().stream().map(Catalog.Product::id).toList();
    }

    /**
     * Baskets with a planted complement: best-seller {@code B} is in 60% of the 2,000 baskets,
     * independently of {@code A}; {@code A} is in 300, and its complement {@code C} in 270 of those
     * (and 30 others). Each basket also holds one of 100 filler items {@code F0}…{@code F99}. By plain
     * popularity B is far ahead of C; bought together with A, C is more likely than B.
     */
    static List<Evaluation.Purchase> plantedComplement() {
        List<Evaluation.Purchase> out = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String customer = "c" + i;
            long ts = NOW - (1 + i % 30) * DAY;
            if (i < 300) {
                out.add(new Evaluation.Purchase(customer, ts, "A", "kumo", "kitchen"));
            }
            if (i < 270 || (i >= 1000 && i < 1030)) {
                out.add(new Evaluation.Purchase(customer, ts, "C", "kumo", "kitchen"));
            }
            if (i % 10 < 6) {
                out.add(new Evaluation.Purchase(customer, ts, "B", "hoshi", "kitchen"));
            }
            out.add(new Evaluation.Purchase(customer, ts, "F" + (i % 100), "nami", "kitchen"));
        }
        return out;
    }

    static RecsModel model(List<Evaluation.Purchase> purchases, ModelBuilder.Settings settings, ZoneId zone) {
        ModelBuilder b = new ModelBuilder(zone, settings);
        for (Evaluation.Purchase p : purchases) {
            b.add(p.customer(), p.ts(), p.item(), p.category());
        }
        return b.build(NOW);
    }

    /** Every purchased item as an available product (launched 2026-01-01). */
    static Catalog catalogOf(List<Evaluation.Purchase> purchases) {
        Map<String, Catalog.Product> products = new LinkedHashMap<>();
        for (Evaluation.Purchase p : purchases) {
            products.computeIfAbsent(p.item(), id -> product(id, p.brand(), p.category(), "2026-01-01"));
        }
        return new Catalog(new ArrayList<>(products.values()));
    }
}
