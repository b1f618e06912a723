package io.tsunagu.recs;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What all customers' purchases say about products, built by {@link ModelBuilder} from baskets (one
 * customer's purchases on one day): for each item the items most often bought with it, scored so that
 * best-sellers do not crowd out real complements, and how popular each item is lately. Immutable;
 * servers load a new one whole.
 *
 * <p>Which items are related: pairs bought together in at least {@code minSupport} baskets, the best
 * {@code neighbours} per item by {@code c(a,b) / (n(a)^(1-α) · n(b)^α)}, where {@code c(a,b)} counts
 * the baskets holding both and {@code n(x)} those holding x. α = 0 ranks by P(b | a) (best-sellers
 * win), α = 1 by lift (rare items win); the default 0.5, the cosine, finds real complements.
 *
 * <p>How likely b is in a basket with a, for ranking: {@code (c(a,b) + m·p(b)) / (n(a) + m)}, with
 * {@code p(b) = n(b) / baskets} and the prior strength {@code m}: an item seen in few baskets leans on
 * plain popularity, a well-known one on what its own baskets say. This blend is what keeps
 * bought_together ahead of popularity where popularity is strong (groceries; BENCHMARKS.md). How
 * strict a complement must be and how strong the prior is are the model's {@link Tuning}.
 */
public final class RecsModel {

    private static final int MAGIC_V1 = 0x54535231; // "TSR1": before tuning
    private static final int MAGIC = 0x54535232; // "TSR2"

    /** An item related to another, with its score. */
    public record Related(String item, double score) {
    }

    /**
     * How bought_together uses the statistics, chosen per data set by {@link ModelBuilder} on a
     * validation split of the purchases (infinity switches a part off).
     *
     * @param historyZ complements of a customer's purchases need {@code (c − E) / √E} at least this
     * @param pageZ complements of the product on the page need at least this
     * @param prior m of the co-purchase blend on a product page; infinity: plain popularity after the complements
     */
    public record Tuning(double historyZ, double pageZ, double prior) {
        public static final Tuning DEFAULT = new Tuning(8, 8, 100);

        @Override
        public String toString() {
            return "complements of a history z ≥ " + text(historyZ) + ", of a page z ≥ " + text(pageZ) + ", blend prior m = "
                    + text(prior);
        }

        private static String text(double v) {
            return Double.isInfinite(v) ? "∞ (off)" : String.valueOf((long) v);
        }
    }

    public static final RecsModel EMPTY = new RecsModel(0, 0, 0, Tuning.DEFAULT, new String[0], new String[0], new int[0],
            new int[0], new int[0][], new float[0][], new int[0][]);

    private final long builtAt;
    private final int baskets;
    private final Tuning tuning;
    private final int[][] together;
    private final int recentBaskets;
    private final String[] items;
    private final String[] categories;
    private final int[] basketCounts;
    private final int[] recentCounts;
    private final int[][] neighbours;
    private final float[][] scores;
    private final Map<String, Integer> index;
    private final int[] popular;
    private final Map<String, int[]> popularByCategory;

    RecsModel(long builtAt, int baskets, int recentBaskets, Tuning tuning, String[] items, String[] categories, int[] basketCounts,
            int[] recentCounts, int[][] neighbours, float[][] scores, int[][] together) {
        this.builtAt = builtAt;
        this.baskets = baskets;
        this.tuning = tuning;
        this.together = together;
        this.recentBaskets = recentBaskets;
        this.items = items;
        this.categories = categories;
        this.basketCounts = basketCounts;
        this.recentCounts = recentCounts;
        this.neighbours = neighbours;
        this.scores = scores;
        Map<String, Integer> ix = new HashMap<>(items.length * 2);
        for (int i = 0; i < items.length; i++) {
            ix.put(items[i], i);
        }
        this.index = ix;
        // Most bought lately first, then most bought ever, then by id for a stable order.
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> recentCounts[a] != recentCounts[b] ? Integer.compare(recentCounts[b], recentCounts[a])
                : basketCounts[a] != basketCounts[b] ? Integer.compare(basketCounts[b], basketCounts[a])
                : items[a].compareTo(items[b]));
        this.popular = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        Map<String, List<Integer>> byCategory = new HashMap<>();
        for (int i : popular) {
            if (categories[i] != null) {
                byCategory.computeIfAbsent(categories[i], k -> new ArrayList<>()).add(i);
            }
        }
        Map<String, int[]> pc = new HashMap<>(byCategory.size() * 2);
        byCategory.forEach((k, v) -> pc.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        this.popularByCategory = pc;
    }

    public long builtAt() {
        return builtAt;
    }

    /** Baskets the model was built from. */
    public int baskets() {
        return baskets;
    }

    public int size() {
        return items.length;
    }

    /** The items bought together with {@code item}, best first (at most the model's neighbour count). */
    public List<Related> related(String item) {
        Integer i = index.get(item);
        if (i == null) {
            return List.of();
        }
        List<Related> out = new ArrayList<>(neighbours[i].length);
        for (int k = 0; k < neighbours[i].length; k++) {
            out.add(new Related(items[neighbours[i][k]], scores[i][k]));
        }
        return out;
    }

    // Index-level access for the recommender's hot path.

    int indexOf(String item) {
        Integer i = index.get(item);
        return i == null ? -1 : i;
    }

    String item(int i) {
        return items[i];
    }

    int[] neighbours(int i) {
        return neighbours[i];
    }

    float[] scores(int i) {
        return scores[i];
    }

    /** Baskets holding item i and each of its neighbours. */
    int[] together(int i) {
        return together[i];
    }

    /** Baskets holding item i. */
    int basketCount(int i) {
        return basketCounts[i];
    }

    /** p(b): the share of recent baskets holding item i (of all baskets when none is recent). */
    double popularity(int i) {
        return recentBaskets > 0 ? (double) recentCounts[i] / recentBaskets : (double) basketCounts[i] / Math.max(1, baskets);
    }

    /** The share of all baskets holding item i. */
    double share(int i) {
        return (double) basketCounts[i] / Math.max(1, baskets);
    }

    public Tuning tuning() {
        return tuning;
    }

    /** The same statistics used another way. */
    public RecsModel withTuning(Tuning t) {
        return new RecsModel(builtAt, baskets, recentBaskets, t, items, categories, basketCounts, recentCounts, neighbours, scores,
                together);
    }

    /** Item indexes, most popular lately first. */
    int[] popular() {
        return popular;
    }

    /** A category's item indexes, most popular lately first; null if the model has none in it. */
    int[] popular(String category) {
        return popularByCategory.get(category);
    }

    /** The category the purchases gave for an item, or null. */
    String category(int i) {
        return categories[i];
    }

    /** Items, most popular lately first. */
    public List<String> popularItems(int limit) {
        List<String> out = new ArrayList<>(Math.min(limit, popular.length));
        for (int k = 0; k < popular.length && k < limit; k++) {
            out.add(items[popular[k]]);
        }
        return Collections.unmodifiableList(out);
    }

    // ---- storage --------------------------------------------------------------------------------

    /** Writes the model, gzip-compressed. */
    public void write(OutputStream out) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        DataOutputStream d = new DataOutputStream(gz);
        d.writeInt(MAGIC);
        d.writeLong(builtAt);
        d.writeInt(baskets);
        d.writeInt(recentBaskets);
        d.writeDouble(tuning.historyZ());
        d.writeDouble(tuning.pageZ());
        d.writeDouble(tuning.prior());
        d.writeInt(items.length);
        for (int i = 0; i < items.length; i++) {
            d.writeUTF(items[i]);
            d.writeUTF(categories[i] == null ? "" : categories[i]);
            d.writeInt(basketCounts[i]);
            d.writeInt(recentCounts[i]);
            d.writeShort(neighbours[i].length);
            for (int k = 0; k < neighbours[i].length; k++) {
                d.writeInt(neighbours[i][k]);
                d.writeFloat(scores[i][k]);
                d.writeInt(together[i][k]);
            }
        }
        d.flush();
        gz.finish();
    }

    /** Reads what {@link #write} wrote. */
    public static RecsModel read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(new GZIPInputStream(in, 1 << 16));
        int magic = d.readInt();
        if (magic != MAGIC && magic != MAGIC_V1) {
            throw new IOException("not a recommendation model (or one from another version)");
        }
        long builtAt = d.readLong();
        int baskets = d.readInt();
        int recentBaskets = d.readInt();
        Tuning tuning = magic == MAGIC_V1 ? new Tuning(Tuning.DEFAULT.historyZ(), Tuning.DEFAULT.pageZ(), d.readDouble())
                : new Tuning(d.readDouble(), d.readDouble(), d.readDouble());
        int n = d.readInt();
        String[] items = new String[n];
        String[] categories = new String[n];
        int[] basketCounts = new int[n];
        int[] recentCounts = new int[n];
        int[][] neighbours = new int[n][];
        float[][] scores = new float[n][];
        int[][] together = new int[n][];
        for (int i = 0; i < n; i++) {
            items[i] = d.readUTF();
            String c = d.readUTF();
            categories[i] = c.isEmpty() ? null : c;
            basketCounts[i] = d.readInt();
            recentCounts[i] = d.readInt();
            int m = d.readShort();
            neighbours[i] = new int[m];
            scores[i] = new float[m];
            together[i] = new int[m];
            for (int k = 0; k < m; k++) {
                neighbours[i][k] = d.readInt();
                scores[i][k] = d.readFloat();
                together[i][k] = d.readInt();
            }
        }
        return new RecsModel(builtAt, baskets, recentBaskets, tuning, items, categories, basketCounts, recentCounts, neighbours,
                scores, together);
    }
}
