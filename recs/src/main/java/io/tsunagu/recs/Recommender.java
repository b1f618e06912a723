package io.tsunagu.recs;

import io.tsunagu.rules.content.Html;
import io.tsunagu.rules.content.RecommendSpec;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the products a {@code recommend} content shows, from the catalog, the co-purchase model and
 * one shopper's history. Every strategy leaves out unavailable products (inactive or out of stock),
 * the product on the page and, unless told otherwise, what the shopper already bought. Thread-safe;
 * no I/O.
 */
public final class Recommender {

    private static final long DAY_MS = 86_400_000L;
    /** Seeds of bought_together from the shopper's history: their most recent distinct purchases. */
    private static final int MAX_SEEDS = 10;
    /** same_brand_new: a brand with half the affinity needs products this many days newer to rank alike. */
    private static final double DAYS_PER_HALVING = 45;

    /** The products, the strategy that found the first of them, or (for none) why not. */
    public record Result(List<Catalog.Product> items, String strategy, String why) {
        public boolean isEmpty() {
            return items.isEmpty();
        }
    }

    private final Catalog catalog;
    private final RecsModel model;

    public Recommender(Catalog catalog, RecsModel model) {
        this.catalog = catalog;
        this.model = model;
    }

    public Catalog catalog() {
        return catalog;
    }

    public RecsModel model() {
        return model;
    }

    /** The spec's strategy, then its fallback when it found fewer than {@code minResults}. */
    public Result recommend(RecommendSpec spec, Shopper shopper) {
        Set<String> exclude = exclusions(spec, shopper);
        List<Catalog.Product> out = new ArrayList<>(spec.limit());
        String first = run(spec, shopper, exclude, out);
        if (out.size() >= spec.minResults() || spec.fallback() == null) {
            return result(out, spec.strategy(), first == null ? null : spec.strategy() + ": " + first);
        }
        String primary = out.isEmpty() ? null : spec.strategy();
        RecommendSpec fallback = spec.with(spec.fallback());
        Set<String> fallbackExclude = exclusions(fallback, shopper);
        for (Catalog.Product p : out) {
            fallbackExclude.add(p.id());
        }
        String second = run(fallback, shopper, fallbackExclude, out);
        String why = spec.strategy() + ": " + (first == null ? "too few" : first) + "; fallback " + spec.fallback() + ": "
                + (second == null ? "too few" : second);
        return result(out, primary != null ? primary : spec.fallback(), why);
    }

    private static Result result(List<Catalog.Product> items, String strategy, String why) {
        return new Result(items, strategy, items.isEmpty() ? (why == null ? strategy + ": nothing found" : why) : null);
    }

    private Set<String> exclusions(RecommendSpec spec, Shopper s) {
        Set<String> out = new HashSet<>();
        if (s.pageProduct() != null) {
            out.add(s.pageProduct());
        }
        if (spec.excludePurchased()) {
            for (Shopper.Bought b : s.purchases()) {
                if (b.product() != null) {
                    out.add(b.product());
                }
            }
        }
        return out;
    }

    /** Adds up to the limit to {@code out}; returns why it found nothing, or null. */
    private String run(RecommendSpec spec, Shopper s, Set<String> exclude, List<Catalog.Product> out) {
        return switch (spec.strategy()) {
            case "same_brand_new" -> sameBrandNew(spec, s, exclude, out);
            case "bought_together" -> boughtTogether(spec, s, exclude, out);
            case "recently_viewed" -> recentlyViewed(spec, s, exclude, out);
            case "repeat_purchase" -> repeatPurchase(spec, s, exclude, out);
            case "popular_in_category" -> popularInCategory(spec, s, exclude, out);
            default -> throw new IllegalArgumentException("unknown strategy " + spec.strategy());
        };
    }

    /** Adds the product if it may be shown and is not there yet; false when the list is full. */
    private boolean offer(String id, Set<String> exclude, List<Catalog.Product> out, int limit) {
        if (out.size() >= limit) {
            return false;
        }
        if (!exclude.contains(id)) {
            Catalog.Product p = catalog.get(id);
            if (p != null && p.available()) {
                exclude.add(id);
                out.add(p);
            }
        }
        return out.size() < limit;
    }

    // ---- same_brand_new -------------------------------------------------------------------------

    private String sameBrandNew(RecommendSpec spec, Shopper s, Set<String> exclude, List<Catalog.Product> out) {
        Map<String, Double> affinity = new HashMap<>();
        long from = s.now() - spec.lookbackMs();
        for (Shopper.Bought b : s.purchases()) {
            if (b.ts() < from) {
                break; // newest first
            }
            String brand = b.brand();
            if (brand == null) {
                Catalog.Product p = catalog.get(b.product());
                brand = p == null ? null : p.brand();
            }
            if (brand != null) {
                affinity.merge(brand, 1.0, Double::sum);
            }
        }
        if (affinity.isEmpty()) {
            return "no purchase with a brand in the lookback";
        }
        double top = affinity.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        record Candidate(Catalog.Product product, double score) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, Double> e : affinity.entrySet()) {
            double boost = DAYS_PER_HALVING * Math.log(e.getValue() / top) / Math.log(2);
            int taken = 0;
            for (Catalog.Product p : catalog.brand(e.getKey())) {
                if (taken >= spec.limit()) {
                    break; // newest first: the rest of this brand cannot rank higher
                }
                if (!exclude.contains(p.id()) && p.available()) {
                    LocalDate launched = p.launchedAt();
                    candidates.add(new Candidate(p, (launched == null ? -1e9 : launched.toEpochDay()) + boost));
                    taken++;
                }
            }
        }
        candidates.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score())
                : a.product().id().compareTo(b.product().id()));
        for (Candidate c : candidates) {
            if (!offer(c.product().id(), exclude, out, spec.limit())) {
                break;
            }
        }
        return candidates.isEmpty() ? "the brands bought have no other available products" : null;
    }

    // ---- bought_together ------------------------------------------------------------------------

    private String boughtTogether(RecommendSpec spec, Shopper s, Set<String> exclude, List<Catalog.Product> out) {
        int page = s.pageProduct() == null ? -1 : model.indexOf(s.pageProduct());
        // From a customer's history (many seeds) the blend's noise adds up faster than its signal
        // (measured: per customer it lost to plain popularity on grocery baskets), so there the rest of
        // the list is plain popularity; from the one product on the page it is the blend.
        Together t = new Together(page >= 0);
        if (page >= 0) {
            t.add(page, 1.0);
        } else {
            long from = s.now() - spec.lookbackMs();
            Set<String> seeds = new HashSet<>();
            for (Shopper.Bought b : s.purchases()) {
                if (b.ts() < from || seeds.size() >= MAX_SEEDS) {
                    break;
                }
                if (b.product() != null && seeds.add(b.product())) {
                    // More recent purchases speak louder.
                    t.add(model.indexOf(b.product()), 1.0 / (1 + 0.25 * (seeds.size() - 1)));
                }
            }
        }
        if (t.popularityWeight == 0) {
            return s.pageProduct() == null && s.purchases().isEmpty() ? "no product on the page and no purchases"
                    : "the products bought or viewed are not in the purchase statistics";
        }
        // Real complements first, by how often they go with the seeds.
        for (Map.Entry<Integer, Double> e : ranked(t.complements)) {
            if (!offer(model.item(e.getKey()), exclude, out, spec.limit())) {
                return null;
            }
        }
        if (!t.blending) {
            for (int i : model.popular()) {
                if (!offer(model.item(i), exclude, out, spec.limit())) {
                    break;
                }
            }
            return null;
        }
        // The blend of co-purchases and popularity; the most bought items are candidates too.
        int[] popular = model.popular();
        int wanted = spec.limit() + 16;
        for (int k = 0; k < popular.length && wanted > 0; k++) {
            if (!exclude.contains(model.item(popular[k]))) {
                t.blend.putIfAbsent(popular[k], 0.0);
                wanted--;
            }
        }
        t.blend.replaceAll((item, v) -> v + t.popularityWeight * model.popularity(item));
        for (Map.Entry<Integer, Double> e : ranked(t.blend)) {
            if (!offer(model.item(e.getKey()), exclude, out, spec.limit())) {
                break;
            }
        }
        return null;
    }

    private List<Map.Entry<Integer, Double>> ranked(Map<Integer, Double> scores) {
        List<Map.Entry<Integer, Double>> out = new ArrayList<>(scores.entrySet());
        out.sort((a, b) -> !a.getValue().equals(b.getValue()) ? Double.compare(b.getValue(), a.getValue())
                : model.item(a.getKey()).compareTo(model.item(b.getKey())));
        return out;
    }

    /**
     * What the seeds' co-purchases say ({@link RecsModel}). A complement is a neighbour bought with a
     * seed clearly more often than chance would have it: {@code (c − E) / √E ≥ z} with
     * {@code E = n(a)·p(b)}, scored by {@code c / n(a)}; best-sellers, with every basket, are not. The
     * blend scores every item as {@code (c + m·p(b)) / (n(a) + m)}: its popularity, moved by the
     * co-purchases as far as the seed's baskets are many. The threshold z (for a history, for a page)
     * and m are the model's {@link RecsModel.Tuning}, chosen on the data it was built from: a weak pair
     * shown before the best-sellers costs hits where popularity is strong.
     */
    private final class Together {
        final Map<Integer, Double> complements = new HashMap<>();
        final Map<Integer, Double> blend = new HashMap<>();
        final boolean blending;
        double popularityWeight;

        Together(boolean blending) {
            this.blending = blending;
        }

        void add(int item, double weight) {
            if (item < 0) {
                return;
            }
            RecsModel.Tuning tuning = model.tuning();
            double m = tuning.prior();
            double minZ = blending ? tuning.pageZ() : tuning.historyZ();
            double n = model.basketCount(item);
            int[] ns = model.neighbours(item);
            int[] together = model.together(item);
            for (int k = 0; k < ns.length; k++) {
                double p = model.share(ns[k]);
                double c = together[k];
                double expected = n * p;
                if ((c - expected) / Math.sqrt(Math.max(expected, 1e-9)) >= minZ) {
                    complements.merge(ns[k], weight * c / n, Double::sum);
                }
                if (blending && !Double.isInfinite(m)) {
                    blend.merge(ns[k], weight * ((c + m * p) / (n + m) - p), Double::sum);
                }
            }
            popularityWeight += weight;
        }
    }

    // ---- recently_viewed ------------------------------------------------------------------------

    private String recentlyViewed(RecommendSpec spec, Shopper s, Set<String> exclude, List<Catalog.Product> out) {
        long from = s.now() - spec.lookbackMs();
        for (Shopper.Viewed v : s.views()) {
            if (v.ts() < from || !offer(v.product(), exclude, out, spec.limit())) {
                break;
            }
        }
        return s.views().isEmpty() ? "no product views" : null;
    }

    // ---- repeat_purchase ------------------------------------------------------------------------

    private String repeatPurchase(RecommendSpec spec, Shopper s, Set<String> exclude, List<Catalog.Product> out) {
        long from = s.now() - spec.lookbackMs();
        // Per product: distinct purchase days, newest first.
        Map<String, List<Long>> days = new LinkedHashMap<>();
        for (Shopper.Bought b : s.purchases()) {
            if (b.ts() < from) {
                break;
            }
            if (b.product() == null) {
                continue;
            }
            List<Long> d = days.computeIfAbsent(b.product(), k -> new ArrayList<>(4));
            if (d.isEmpty() || d.get(d.size() - 1) - b.ts() >= DAY_MS) {
                d.add(b.ts());
            }
        }
        List<Map.Entry<String, Double>> due = new ArrayList<>();
        for (Map.Entry<String, List<Long>> e : days.entrySet()) {
            List<Long> d = e.getValue();
            if (d.size() < 2) {
                continue;
            }
            double interval = (double) (d.get(0) - d.get(d.size() - 1)) / (d.size() - 1);
            double overdue = (s.now() - d.get(0)) / interval;
            if (overdue >= spec.dueAfter()) {
                due.add(Map.entry(e.getKey(), overdue));
            }
        }
        // The most overdue first, but one long overdue (likely no longer needed) not before one just due.
        due.sort((a, b) -> Double.compare(Math.abs(Math.log(a.getValue())), Math.abs(Math.log(b.getValue()))));
        for (Map.Entry<String, Double> e : due) {
            if (!offer(e.getKey(), exclude, out, spec.limit())) {
                break;
            }
        }
        return due.isEmpty() ? (days.values().stream().anyMatch(d -> d.size() >= 2) ? "no repeat purchase is due yet"
                : "nothing bought more than once") : null;
    }

    // ---- popular_in_category --------------------------------------------------------------------

    private String popularInCategory(RecommendSpec spec, Shopper s, Set<String> exclude, List<Catalog.Product> out) {
        String category = category(s);
        int[] popular = category == null ? model.popular() : model.popular(category);
        if (popular != null) {
            for (int i : popular) {
                if (!offer(model.item(i), exclude, out, spec.limit())) {
                    return null;
                }
            }
        }
        if (category != null && popular == null) {
            // Purchases did not name categories: the catalog does.
            for (int i : model.popular()) {
                Catalog.Product p = catalog.get(model.item(i));
                if (p != null && category.equals(p.category()) && !offer(p.id(), exclude, out, spec.limit())) {
                    return null;
                }
            }
        }
        if (model.size() == 0) {
            // No purchase statistics yet (build-recs has not run): the newest products.
            for (Catalog.Product p : category == null ? catalog.all() : catalog.category(category)) {
                if (!offer(p.id(), exclude, out, spec.limit())) {
                    return null;
                }
            }
        }
        return out.isEmpty() ? "no available products" + (category == null ? "" : " in category " + category) : null;
    }

    /** The page's category, else its product's, else the category the shopper bought most. */
    private String category(Shopper s) {
        if (s.pageCategory() != null) {
            return s.pageCategory();
        }
        if (s.pageProduct() != null) {
            Catalog.Product p = catalog.get(s.pageProduct());
            if (p != null && p.category() != null) {
                return p.category();
            }
            int i = model.indexOf(s.pageProduct());
            if (i >= 0 && model.category(i) != null) {
                return model.category(i);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (Shopper.Bought b : s.purchases()) {
            String c = b.category();
            if (c == null) {
                Catalog.Product p = catalog.get(b.product());
                c = p == null ? null : p.category();
            }
            if (c != null) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        String best = null;
        int most = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            // Ties: the alphabetically first, for a stable answer.
            if (e.getValue() > most || (e.getValue() == most && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    // ---- output ---------------------------------------------------------------------------------

    /** A product as content shows it: id and the display fields it has, text HTML-escaped. */
    public static Map<String, Object> item(Catalog.Product p) {
        Map<String, Object> m = new LinkedHashMap<>(12);
        m.put("id", Html.escape(p.id()));
        for (String f : new String[] {"name", "brand", "category", "price", "url", "image"}) {
            Object v = p.fields().get(f);
            if (v != null) {
                m.put(f, v instanceof String str ? Html.escape(str) : v);
            }
        }
        return m;
    }
}
