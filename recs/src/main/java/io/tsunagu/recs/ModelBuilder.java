package io.tsunagu.recs;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link RecsModel} from purchases. A basket is one customer's purchases on one day (in the
 * given zone): a store receipt or a web order, or several of them, which is what "bought together"
 * means to a shopper. Memory: 8 bytes per purchase plus the pair counts.
 */
public final class ModelBuilder {

    /**
     * @param neighbours related items kept per item
     * @param minSupport pairs bought together in fewer baskets than this are noise, not a relation
     * @param alpha how strongly an item's own popularity discounts its score (see {@link RecsModel})
     * @param recentDays popularity counts the purchases of the last this many days of the data
     * @param maxBasketItems larger baskets (a shop restocking, a data error) count for popularity but not pairs
     * @param tune choose the model's {@link RecsModel.Tuning} on a validation split of the purchases
     *     (the last fifth of the days, predicted from the rest); otherwise {@link RecsModel.Tuning#DEFAULT}
     */
    public record Settings(int neighbours, int minSupport, double alpha, int recentDays, int maxBasketItems, boolean tune) {
        public static final Settings DEFAULT = new Settings(50, 2, 0.5, 30, 100, true);
    }

    private static final long DAY_MS = 86_400_000L;
    private static final int ITEM_BITS = 21;
    private static final int DAY_BITS = 20;
    private static final int CUSTOMER_BITS = 64 - ITEM_BITS - DAY_BITS;

    private final ZoneRules zone;
    private final Settings settings;
    private final Map<String, Integer> customers = new HashMap<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> items = new ArrayList<>();
    private final List<String> categories = new ArrayList<>();
    private long[] purchases = new long[1 << 16];
    private int size;

    public ModelBuilder(ZoneId zone, Settings settings) {
        this.zone = zone.getRules();
        this.settings = settings;
    }

    /** Adds one purchased item; {@code category} may be null. */
    public void add(String customer, long ts, String item, String category) {
        int c = customers.computeIfAbsent(customer, k -> customers.size());
        Integer i = itemIndex.get(item);
        if (i == null) {
            i = items.size();
            itemIndex.put(item, i);
            items.add(item);
            categories.add(category);
        } else if (category != null && categories.get(i) == null) {
            categories.set(i, category);
        }
        long day = Math.floorDiv(ts + zone.getOffset(Instant.ofEpochMilli(ts)).getTotalSeconds() * 1000L, 86_400_000L);
        if (c >= 1L << CUSTOMER_BITS || i >= 1L << ITEM_BITS || day < 0 || day >= 1L << DAY_BITS) {
            throw new IllegalArgumentException("too many customers or items, or a purchase before 1970, for one model");
        }
        if (size == purchases.length) {
            purchases = Arrays.copyOf(purchases, size * 2);
        }
        purchases[size++] = ((long) c << (ITEM_BITS + DAY_BITS)) | (day << ITEM_BITS) | i;
    }

    public int purchases() {
        return size;
    }

    /** The model of everything added so far, tuned on it if the settings say so. */
    public RecsModel build(long builtAt) {
        long[] p = Arrays.copyOf(purchases, size);
        // Sorting groups each customer-day (a basket) together; the order of the groups does not matter.
        Arrays.sort(p);
        RecsModel.Tuning tuning = settings.tune() ? tune(p) : RecsModel.Tuning.DEFAULT;
        return build(p, builtAt, tuning);
    }

    /**
     * Chooses how bought_together uses the statistics on this data: a model of all days but the last
     * fifth predicts the last fifth ({@link ModelTuner}). Too little data keeps the default.
     */
    private RecsModel.Tuning tune(long[] sorted) {
        long dayMask = (1L << DAY_BITS) - 1;
        long[] days = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            days[i] = (sorted[i] >>> ITEM_BITS) & dayMask;
        }
        Arrays.sort(days);
        if (days.length < 1000) {
            return RecsModel.Tuning.DEFAULT;
        }
        long cut = days[(int) (days.length * 0.8)];
        int before = 0;
        for (long x : sorted) {
            before += ((x >>> ITEM_BITS) & dayMask) < cut ? 1 : 0;
        }
        long[] train = new long[before];
        ModelTuner.Validation validation = new ModelTuner.Validation(cut * DAY_MS);
        int k = 0;
        for (long x : sorted) {
            int customer = (int) (x >>> (ITEM_BITS + DAY_BITS));
            long day = (x >>> ITEM_BITS) & dayMask;
            int item = (int) (x & ((1L << ITEM_BITS) - 1));
            if (day < cut) {
                train[k++] = x;
                validation.history(customer, items.get(item), categories.get(item), day * DAY_MS);
            } else {
                validation.later(customer, day, items.get(item));
            }
        }
        RecsModel model = build(train, cut * DAY_MS, RecsModel.Tuning.DEFAULT);
        return ModelTuner.choose(model, validation);
    }

    private RecsModel build(long[] p, long builtAt, RecsModel.Tuning tuning) {
        int n = items.size();
        int[] basketCounts = new int[n];
        int[] recentCounts = new int[n];
        long lastDay = 0;
        for (long x : p) {
            lastDay = Math.max(lastDay, (x >>> ITEM_BITS) & ((1L << DAY_BITS) - 1));
        }
        long recentFrom = lastDay - settings.recentDays() + 1;
        PairCounts pairs = new PairCounts(1 << 16);
        int baskets = 0;
        int recentBaskets = 0;
        int[] basket = new int[64];
        for (int start = 0; start < p.length;) {
            long key = p[start] >>> ITEM_BITS;
            int end = start;
            int k = 0;
            int previous = -1;
            while (end < p.length && (p[end] >>> ITEM_BITS) == key) {
                int item = (int) (p[end] & ((1L << ITEM_BITS) - 1));
                if (item != previous) { // sorted: repeats of an item in a basket are adjacent
                    if (k == basket.length) {
                        basket = Arrays.copyOf(basket, k * 2);
                    }
                    basket[k++] = item;
                    previous = item;
                }
                end++;
            }
            baskets++;
            boolean recent = (key & ((1L << DAY_BITS) - 1)) >= recentFrom;
            recentBaskets += recent ? 1 : 0;
            for (int a = 0; a < k; a++) {
                basketCounts[basket[a]]++;
                if (recent) {
                    recentCounts[basket[a]]++;
                }
            }
            if (k <= settings.maxBasketItems()) {
                for (int a = 0; a < k; a++) {
                    for (int b = a + 1; b < k; b++) {
                        pairs.increment(((long) basket[a] << 32) | basket[b]);
                    }
                }
            }
            start = end;
        }
        return neighbours(builtAt, tuning, baskets, recentBaskets, basketCounts, recentCounts, pairs);
    }

    private RecsModel neighbours(long builtAt, RecsModel.Tuning tuning, int baskets, int recentBaskets, int[] basketCounts,
            int[] recentCounts, PairCounts pairs) {
        int n = basketCounts.length;
        int[] degree = new int[n];
        pairs.forEach((a, b, c) -> {
            if (c >= settings.minSupport()) {
                degree[a]++;
                degree[b]++;
            }
        });
        int[][] candidates = new int[n][];
        float[][] candidateScores = new float[n][];
        int[][] candidateCounts = new int[n][];
        for (int i = 0; i < n; i++) {
            candidates[i] = new int[degree[i]];
            candidateScores[i] = new float[degree[i]];
            candidateCounts[i] = new int[degree[i]];
        }
        int[] fill = new int[n];
        double alpha = settings.alpha();
        pairs.forEach((a, b, c) -> {
            if (c >= settings.minSupport()) {
                candidates[a][fill[a]] = b;
                candidateCounts[a][fill[a]] = c;
                candidateScores[a][fill[a]++] = (float) (c / (Math.pow(basketCounts[a], 1 - alpha) * Math.pow(basketCounts[b], alpha)));
                candidates[b][fill[b]] = a;
                candidateCounts[b][fill[b]] = c;
                candidateScores[b][fill[b]++] = (float) (c / (Math.pow(basketCounts[b], 1 - alpha) * Math.pow(basketCounts[a], alpha)));
            }
        });
        int[][] neighbours = new int[n][];
        float[][] scores = new float[n][];
        int[][] together = new int[n][];
        for (int i = 0; i < n; i++) {
            int[] order = top(candidates[i], candidateScores[i], settings.neighbours(), basketCounts);
            neighbours[i] = new int[order.length];
            scores[i] = new float[order.length];
            together[i] = new int[order.length];
            for (int k = 0; k < order.length; k++) {
                neighbours[i][k] = candidates[i][order[k]];
                scores[i][k] = candidateScores[i][order[k]];
                together[i][k] = candidateCounts[i][order[k]];
            }
        }
        return new RecsModel(builtAt, baskets, recentBaskets, tuning, items.toArray(String[]::new),
                categories.toArray(String[]::new), basketCounts, recentCounts, neighbours, scores, together);
    }

    /** Positions of the best {@code limit} candidates, best first (ties: the more bought item first). */
    private static int[] top(int[] items, float[] scores, int limit, int[] basketCounts) {
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> scores[x] != scores[y] ? Float.compare(scores[y], scores[x])
                : basketCounts[items[x]] != basketCounts[items[y]] ? Integer.compare(basketCounts[items[y]], basketCounts[items[x]])
                : Integer.compare(items[x], items[y]));
        int m = Math.min(limit, order.length);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** Counts per item pair (a &lt; b packed in a long): open addressing, no boxing. */
    static final class PairCounts {

        interface Visitor {
            void pair(int a, int b, int count);
        }

        private long[] keys;
        private int[] counts;
        private int size;

        PairCounts(int capacity) {
            keys = new long[capacity];
            counts = new int[capacity];
            Arrays.fill(keys, -1L);
        }

        void increment(long key) {
            int mask = keys.length - 1;
            int slot = (int) (mix(key) & mask);
            while (keys[slot] != -1L && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == -1L) {
                keys[slot] = key;
                if (++size * 4 > keys.length * 3) {
                    counts[slot] = 1;
                    grow();
                    return;
                }
            }
            counts[slot]++;
        }

        private static long mix(long x) {
            x *= 0x9E3779B97F4A7C15L;
            return x ^ (x >>> 29);
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldCounts = counts;
            keys = new long[oldKeys.length * 2];
            counts = new int[oldKeys.length * 2];
            Arrays.fill(keys, -1L);
            int mask = keys.length - 1;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != -1L) {
                    int slot = (int) (mix(oldKeys[i]) & mask);
                    while (keys[slot] != -1L) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = oldKeys[i];
                    counts[slot] = oldCounts[i];
                }
            }
        }

        void forEach(Visitor v) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != -1L) {
                    v.pair((int) (keys[i] >>> 32), (int) keys[i], counts[i]);
                }
            }
        }

        int size() {
            return size;
        }
    }
}
