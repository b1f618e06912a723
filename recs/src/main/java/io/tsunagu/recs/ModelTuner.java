package io.tsunagu.recs;

import io.tsunagu.rules.content.RecommendSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses a model's {@link RecsModel.Tuning} from the data itself: a model of the earlier days
 * recommends for the later ones, and each setting is scored by its hits in the top ten — per customer
 * (history → their later purchases) for the history threshold, item to item (one item of a later
 * basket → the rest of it) for the page threshold and the blend prior. Switching a part off (plain
 * popularity in its place) is the starting point, and a setting replaces it only if it gets clearly
 * more hits, so on data where co-purchases add nothing the strategy is popularity rather than worse
 * than it.
 */
final class ModelTuner {

    private static final int K = 10;
    private static final int MAX_QUERIES = 3000;
    private static final double OFF = Double.POSITIVE_INFINITY;
    // Plain popularity first: co-purchases must earn their place by more hits, not tie.
    private static final double[] HISTORY_Z = {OFF, 16, 8, 4};
    private static final double[] PAGE_Z = {OFF, 16, 8, 4};
    private static final double[] PRIORS = {OFF, 100, 20};

    /** The purchases split at a day: each customer's history before it, and the baskets from it on. */
    static final class Validation {
        private final long now;
        private final Map<Integer, List<Shopper.Bought>> history = new HashMap<>();
        private final Map<Integer, Set<String>> later = new LinkedHashMap<>();
        private final Map<Long, Set<String>> baskets = new LinkedHashMap<>();

        Validation(long now) {
            this.now = now;
        }

        void history(int customer, String item, String category, long ts) {
            history.computeIfAbsent(customer, c -> new ArrayList<>()).add(new Shopper.Bought(item, null, category, ts));
        }

        void later(int customer, long day, String item) {
            later.computeIfAbsent(customer, c -> new HashSet<>()).add(item);
            baskets.computeIfAbsent(((long) customer << 24) | day, b -> new HashSet<>()).add(item);
        }
    }

    private record Query(Shopper shopper, Set<String> truth) {
    }

    private ModelTuner() {
    }

    static RecsModel.Tuning choose(RecsModel model, Validation v) {
        List<Query> customers = new ArrayList<>();
        for (Map.Entry<Integer, Set<String>> e : v.later.entrySet()) {
            List<Shopper.Bought> h = v.history.get(e.getKey());
            if (h != null) {
                h.sort(Comparator.comparingLong(Shopper.Bought::ts).reversed());
                customers.add(new Query(new Shopper(h, List.of(), null, null, v.now), e.getValue()));
            }
        }
        List<Query> items = new ArrayList<>();
        for (Set<String> basket : v.baskets.values()) {
            if (basket.size() < 2) {
                continue;
            }
            for (String item : basket.stream().sorted().toList()) {
                Set<String> rest = new HashSet<>(basket);
                rest.remove(item);
                items.add(new Query(new Shopper(List.of(), List.of(), item, null, v.now), rest));
            }
        }
        RecsModel.Tuning d = RecsModel.Tuning.DEFAULT;
        if (customers.size() < 50 || items.size() < 50) {
            return d; // too little to judge by: the settings measured on the data sets in BENCHMARKS.md
        }
        List<Query> customerSample = sample(customers);
        List<Query> itemSample = sample(items);
        Catalog catalog = catalog(model);
        List<RecsModel.Tuning> forHistory = new ArrayList<>();
        for (double z : HISTORY_Z) {
            forHistory.add(new RecsModel.Tuning(z, d.pageZ(), d.prior()));
        }
        double historyZ = best(catalog, model, forHistory, customerSample).historyZ();
        List<RecsModel.Tuning> forPage = new ArrayList<>();
        for (double z : PAGE_Z) {
            for (double m : PRIORS) {
                forPage.add(new RecsModel.Tuning(historyZ, z, m));
            }
        }
        RecsModel.Tuning page = best(catalog, model, forPage, itemSample);
        return new RecsModel.Tuning(historyZ, page.pageZ(), page.prior());
    }

    /**
     * The candidate with the most hits among those that beat the first (everything off: popularity)
     * clearly — McNemar's test on the queries where the two differ, (b − c) ≥ 2·√(b + c) — so that a
     * threshold that lets a few chance pairs through does not win by a hit or two of noise.
     */
    private static RecsModel.Tuning best(Catalog catalog, RecsModel model, List<RecsModel.Tuning> candidates,
            List<Query> queries) {
        boolean[] base = hits(catalog, model.withTuning(candidates.get(0)), queries);
        RecsModel.Tuning best = candidates.get(0);
        int bestHits = count(base);
        for (RecsModel.Tuning t : candidates.subList(1, candidates.size())) {
            boolean[] h = hits(catalog, model.withTuning(t), queries);
            int better = 0;
            int worse = 0;
            for (int q = 0; q < h.length; q++) {
                better += h[q] && !base[q] ? 1 : 0;
                worse += base[q] && !h[q] ? 1 : 0;
            }
            if (better - worse >= Math.max(1, 2 * Math.sqrt(better + worse)) && count(h) > bestHits) {
                best = t;
                bestHits = count(h);
            }
        }
        return best;
    }

    private static int count(boolean[] hits) {
        int n = 0;
        for (boolean h : hits) {
            n += h ? 1 : 0;
        }
        return n;
    }

    /** Per query: whether the top K of bought_together (popularity filling the rest) holds a hit. */
    private static boolean[] hits(Catalog catalog, RecsModel model, List<Query> queries) {
        Recommender r = new Recommender(catalog, model);
        RecommendSpec spec = new RecommendSpec("bought_together", K, RecommendSpec.DEFAULT_LOOKBACK_MS, true,
                "popular_in_category", K, 1.0);
        boolean[] out = new boolean[queries.size()];
        for (int q = 0; q < out.length; q++) {
            for (Catalog.Product p : r.recommend(spec, queries.get(q).shopper()).items()) {
                if (queries.get(q).truth().contains(p.id())) {
                    out[q] = true;
                    break;
                }
            }
        }
        return out;
    }

    private static List<Query> sample(List<Query> all) {
        if (all.size() <= MAX_QUERIES) {
            return all;
        }
        List<Query> out = new ArrayList<>(MAX_QUERIES);
        double step = (double) all.size() / MAX_QUERIES;
        for (int i = 0; i < MAX_QUERIES; i++) {
            out.add(all.get((int) (i * step)));
        }
        return out;
    }

    /** Every item of the model as an available product (the statistics know no more). */
    private static Catalog catalog(RecsModel model) {
        List<Catalog.Product> products = new ArrayList<>(model.size());
        for (int i = 0; i < model.size(); i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("id", model.item(i));
            if (model.category(i) != null) {
                fields.put("category", model.category(i));
            }
            products.add(Catalog.product(fields));
        }
        return new Catalog(products);
    }
}
