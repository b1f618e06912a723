package io.tsunagu.recs;

import io.tsunagu.rules.content.RecommendSpec;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Offline quality of the recommendation strategies on a purchase history, split by time: the model
 * and histories come from the purchases before a cut-off, the truth from those after it.
 *
 * <ul>
 *   <li><b>Per customer</b>: each customer with purchases on both sides gets K items from their
 *       history; a hit is an item they bought after the cut-off.</li>
 *   <li><b>Item to item</b>: each item of a basket bought after the cut-off asks for K items; a hit is
 *       another item of that basket.</li>
 * </ul>
 * The baseline is plain popularity (the most bought items of the last 30 days before the cut-off),
 * with the same exclusions as the strategies. Metrics: hit rate@K (queries with at least one hit),
 * precision@K (hits / K), recall@K (hits / items to find), coverage (distinct items recommended /
 * items in the catalog).
 */
public final class Evaluation {

    private static final long DAY_MS = 86_400_000L;
    /** Item-to-item queries beyond this are sampled evenly (the report says how many ran). */
    private static final int MAX_ITEM_QUERIES = 50_000;

    public record Purchase(String customer, long ts, String item, String brand, String category) {
    }

    public record Metrics(String strategy, int queries, double hitRate, double precision, double recall, double coverage) {
    }

    public record Report(String name, int k, int purchases, int customers, int items, long cutoff, int trainPurchases,
            int testPurchases, int trainBaskets, List<Metrics> perCustomer, List<Metrics> itemToItem, List<String> notes) {

        /** The report as Markdown. */
        public String text(ZoneId zone) {
            StringBuilder sb = new StringBuilder();
            sb.append("### ").append(name).append("\n\n");
            sb.append(String.format(Locale.ROOT, "%,d purchases by %,d customers of %,d items; cut-off %s: %,d purchases "
                    + "(%,d baskets) before, %,d after. K = %d.%n%n", purchases, customers, items,
                    Instant.ofEpochMilli(cutoff).atZone(zone).toLocalDate(), trainPurchases, trainBaskets, testPurchases, k));
            table(sb, "Per customer (history → next purchases)", perCustomer);
            table(sb, "Item to item (one item of a basket → the rest of the basket)", itemToItem);
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
            return sb.toString();
        }

        private void table(StringBuilder sb, String title, List<Metrics> rows) {
            sb.append("**").append(title).append("**\n\n");
            sb.append("| strategy | queries | hit rate@").append(k).append(" | precision@").append(k).append(" | recall@")
                    .append(k).append(" | coverage |\n|---|---:|---:|---:|---:|---:|\n");
            for (Metrics m : rows) {
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %.4f | %.4f | %.4f | %.4f |%n", m.strategy(), m.queries(),
                        m.hitRate(), m.precision(), m.recall(), m.coverage()));
            }
            sb.append('\n');
        }

        public Metrics perCustomer(String strategy) {
            return find(perCustomer, strategy);
        }

        public Metrics itemToItem(String strategy) {
            return find(itemToItem, strategy);
        }

        private static Metrics find(List<Metrics> rows, String strategy) {
            return rows.stream().filter(m -> m.strategy().equals(strategy)).findFirst().orElse(null);
        }
    }

    private final ZoneId zone;
    private final int k;
    private final double testShare;
    private final ModelBuilder.Settings settings;

    /**
     * @param testShare the share of purchases (the latest) held out as the truth
     */
    public Evaluation(ZoneId zone, int k, double testShare, ModelBuilder.Settings settings) {
        this.zone = zone;
        this.k = k;
        this.testShare = testShare;
        this.settings = settings;
    }

    /**
     * @param catalog the products with brands and launch dates, or null to know products only from the
     *     purchases (same_brand_new then has no launch dates to rank by and is left out)
     */
    public Report run(String name, List<Purchase> purchases, Catalog catalog) {
        List<Purchase> all = new ArrayList<>(purchases);
        all.sort(Comparator.comparingLong(Purchase::ts));
        if (all.size() < 10) {
            throw new IllegalArgumentException("too few purchases to evaluate: " + all.size());
        }
        long cutoff = all.get((int) Math.min(all.size() - 1, Math.round(all.size() * (1 - testShare)))).ts();
        ModelBuilder builder = new ModelBuilder(zone, settings);
        Map<String, List<Shopper.Bought>> history = new HashMap<>();
        Map<String, Set<String>> future = new LinkedHashMap<>();
        Map<String, Set<String>> testBaskets = new LinkedHashMap<>();
        Set<String> customers = new HashSet<>();
        Set<String> items = new HashSet<>();
        int train = 0;
        for (Purchase p : all) {
            customers.add(p.customer());
            items.add(p.item());
            if (p.ts() < cutoff) {
                train++;
                builder.add(p.customer(), p.ts(), p.item(), p.category());
                history.computeIfAbsent(p.customer(), c -> new ArrayList<>())
                        .add(new Shopper.Bought(p.item(), p.brand(), p.category(), p.ts()));
            } else {
                future.computeIfAbsent(p.customer(), c -> new HashSet<>()).add(p.item());
                long day = Math.floorDiv(p.ts() + zone.getRules().getOffset(Instant.ofEpochMilli(p.ts())).getTotalSeconds() * 1000L,
                        DAY_MS);
                testBaskets.computeIfAbsent(p.customer() + "\u0000" + day, b -> new HashSet<>()).add(p.item());
            }
        }
        RecsModel model = builder.build(cutoff);
        Catalog products = catalog != null ? withPurchased(catalog, all) : fromPurchases(all);
        int catalogSize = products.size();
        Recommender recommender = new Recommender(products, model);
        boolean launchDates = catalog != null && products.all().stream().anyMatch(p -> p.launchedAt() != null && p.brand() != null);
        List<String> notes = new ArrayList<>();
        if (!launchDates) {
            notes.add("same_brand_new is left out: the data has no catalog with brands and launch dates.");
        }
        notes.add("recently_viewed is left out: purchase files have no page views.");
        notes.add("bought_together as tuned on the training purchases alone (their last fifth predicted from the rest): "
                + model.tuning() + ".");
        notes.add("bought_together alone recommends nothing to a customer without purchases in the lookback (365 days) or "
                + "for an item the model has not seen; campaigns give it a fallback (the → rows).");

        // ---- per customer --------------------------------------------------------------------------
        List<Metrics> perCustomer = new ArrayList<>();
        List<Map.Entry<Shopper, Set<String>>> queries = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : future.entrySet()) {
            List<Shopper.Bought> h = history.get(e.getKey());
            if (h != null) {
                List<Shopper.Bought> newestFirst = new ArrayList<>(h);
                newestFirst.sort(Comparator.comparingLong(Shopper.Bought::ts).reversed());
                queries.add(Map.entry(new Shopper(newestFirst, List.of(), null, null, cutoff), e.getValue()));
            }
        }
        int popularDepth = k + 200;
        List<String> popular = model.popularItems(popularDepth);
        perCustomer.addAll(common(queries, catalogSize, recommender, popular, Evaluation::owned));
        if (launchDates) {
            perCustomer.add(measure("same_brand_new", queries, catalogSize, s -> ids(recommender.recommend(spec("same_brand_new", null), s))));
        }
        perCustomer.add(measure("repeat_purchase", queries, catalogSize, s -> ids(recommender.recommend(spec("repeat_purchase", null), s))));

        // ---- item to item --------------------------------------------------------------------------
        List<Map.Entry<Shopper, Set<String>>> itemQueries = new ArrayList<>();
        for (Set<String> basket : testBaskets.values()) {
            if (basket.size() < 2) {
                continue;
            }
            List<String> sorted = new ArrayList<>(basket);
            sorted.sort(null);
            for (String item : sorted) {
                Set<String> rest = new HashSet<>(basket);
                rest.remove(item);
                itemQueries.add(Map.entry(new Shopper(List.of(), List.of(), item, null, cutoff), rest));
            }
        }
        if (itemQueries.size() > MAX_ITEM_QUERIES) {
            List<Map.Entry<Shopper, Set<String>>> sample = new ArrayList<>(MAX_ITEM_QUERIES);
            double step = (double) itemQueries.size() / MAX_ITEM_QUERIES;
            for (int i = 0; i < MAX_ITEM_QUERIES; i++) {
                sample.add(itemQueries.get((int) (i * step)));
            }
            notes.add(String.format(Locale.ROOT, "item to item: %,d of %,d queries, evenly sampled.", MAX_ITEM_QUERIES,
                    itemQueries.size()));
            itemQueries = sample;
        }
        List<Metrics> itemToItem = new ArrayList<>();
        itemToItem.addAll(common(itemQueries, catalogSize, recommender, popular, q -> Set.of(q.pageProduct())));
        return new Report(name, k, all.size(), customers.size(), items.size(), cutoff, train, all.size() - train,
                model.baskets(), perCustomer, itemToItem, notes);
    }

    /**
     * The rows both tasks have: the baseline (popularity without {@code known}: what the customer owns,
     * or the item asked about), popular_in_category, and bought_together alone and with each fallback.
     */
    private List<Metrics> common(List<Map.Entry<Shopper, Set<String>>> queries, int catalogSize, Recommender recommender,
            List<String> popular, Function<Shopper, Set<String>> known) {
        return List.of(
                measure("popularity (baseline)", queries, catalogSize, s -> popularExcept(popular, known.apply(s))),
                measure("popular_in_category", queries, catalogSize,
                        s -> ids(recommender.recommend(spec("popular_in_category", null), s))),
                measure("bought_together alone", queries, catalogSize,
                        s -> ids(recommender.recommend(spec("bought_together", null), s))),
                measure("bought_together → popular_in_category", queries, catalogSize,
                        s -> ids(recommender.recommend(spec("bought_together", "popular_in_category"), s))),
                measure("bought_together → popularity", queries, catalogSize, s -> fill(ids(recommender.recommend(
                        spec("bought_together", null), s)), popularExcept(popular, known.apply(s)))));
    }

    private RecommendSpec spec(String strategy, String fallback) {
        return new RecommendSpec(strategy, k, RecommendSpec.DEFAULT_LOOKBACK_MS, !strategy.equals("repeat_purchase"), fallback,
                k, 1.0);
    }

    private Metrics measure(String name, List<Map.Entry<Shopper, Set<String>>> queries, int catalogSize,
            Function<Shopper, List<String>> strategy) {
        double hits = 0;
        double precision = 0;
        double recall = 0;
        Set<String> shown = new HashSet<>();
        for (Map.Entry<Shopper, Set<String>> q : queries) {
            List<String> recs = strategy.apply(q.getKey());
            int h = 0;
            for (int i = 0; i < recs.size() && i < k; i++) {
                shown.add(recs.get(i));
                if (q.getValue().contains(recs.get(i))) {
                    h++;
                }
            }
            hits += h > 0 ? 1 : 0;
            precision += (double) h / k;
            recall += (double) h / q.getValue().size();
        }
        int n = Math.max(1, queries.size());
        return new Metrics(name, queries.size(), hits / n, precision / n, recall / n, (double) shown.size() / Math.max(1, catalogSize));
    }

    private static Set<String> owned(Shopper s) {
        Set<String> out = new HashSet<>();
        for (Shopper.Bought b : s.purchases()) {
            out.add(b.product());
        }
        return out;
    }

    private List<String> popularExcept(List<String> popular, Set<String> except) {
        List<String> out = new ArrayList<>(k);
        for (String p : popular) {
            if (out.size() >= k) {
                break;
            }
            if (!except.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private List<String> fill(List<String> first, List<String> then) {
        List<String> out = new ArrayList<>(first);
        for (String p : then) {
            if (out.size() >= k) {
                break;
            }
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> ids(Recommender.Result r) {
        List<String> out = new ArrayList<>(r.items().size());
        for (Catalog.Product p : r.items()) {
            out.add(p.id());
        }
        return out;
    }

    /** The catalog, plus any purchased item it lacks (so that every purchase can be recommended). */
    private static Catalog withPurchased(Catalog catalog, List<Purchase> purchases) {
        List<Catalog.Product> products = new ArrayList<>(catalog.all());
        Set<String> known = new HashSet<>();
        products.forEach(p -> known.add(p.id()));
        for (Purchase p : purchases) {
            if (known.add(p.item())) {
                products.add(product(p));
            }
        }
        return new Catalog(products);
    }

    private static Catalog fromPurchases(List<Purchase> purchases) {
        Map<String, Catalog.Product> products = new LinkedHashMap<>();
        for (Purchase p : purchases) {
            products.putIfAbsent(p.item(), product(p));
        }
        return new Catalog(new ArrayList<>(products.values()));
    }

    private static Catalog.Product product(Purchase p) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", p.item());
        if (p.brand() != null) {
            fields.put("brand", p.brand());
        }
        if (p.category() != null) {
            fields.put("category", p.category());
        }
        return Catalog.product(fields);
    }
}
