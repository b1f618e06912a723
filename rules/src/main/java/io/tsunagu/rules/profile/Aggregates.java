package io.tsunagu.rules.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A profile's compact history of its trimmed events (those older than the events it keeps of their
 * type): per event type and UTC day, counts, per-value counts for the policy's dimensions (store,
 * brand, …) and sums/min/max of its measures (amount); the first and last time of each type. Long
 * windows ("spend in 365 days", "brands bought in two years") stay exact after old events have been
 * trimmed: a trait reads the kept events and, for the part of its window before them, these.
 *
 * <p>Stored as one flat hash; the field names are the format, so the store and the loader only
 * apply {@link AggregateUpdate}s and never interpret them:
 * <pre>
 *   n|DAY|TYPE                       count
 *   n|DAY|TYPE|DIM=VALUE             count of events whose DIM is VALUE
 *   s|DAY|TYPE#MEASURE               sum of MEASURE
 *   s|DAY|TYPE#MEASURE|DIM=VALUE     sum of MEASURE where DIM is VALUE
 *   lo|DAY|TYPE#MEASURE              smallest MEASURE      hi|DAY|TYPE#MEASURE   largest
 *   first|TYPE                       epoch ms of the first event of TYPE   last|TYPE   of the last
 * </pre>
 * DAY is the UTC epoch day. VALUE is last, so it may contain any character.
 */
public final class Aggregates {

    public static final Aggregates EMPTY = new Aggregates(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    /** Series changed since the last fold; kept small so that {@link #plus} copies little per event. */
    private static final int MAX_RECENT = 32;

    private final Map<String, DailySeries> series;
    private final Map<String, DailySeries> recent;
    private final Map<String, Long> first;
    private final Map<String, Long> last;
    private final Map<String, List<String>> values;

    private Aggregates(Map<String, DailySeries> series, Map<String, DailySeries> recent, Map<String, Long> first,
            Map<String, Long> last, Map<String, List<String>> values) {
        this.series = series;
        this.recent = recent;
        this.first = first;
        this.last = last;
        this.values = values;
    }

    private DailySeries get(String key) {
        DailySeries s = recent.get(key);
        return s != null ? s : series.get(key);
    }

    // ---- field names -------------------------------------------------------------------------

    public static String countField(int day, String type) {
        return "n|" + day + "|" + type;
    }

    public static String countField(int day, String type, String dim, String value) {
        return "n|" + day + "|" + type + "|" + dim + "=" + value;
    }

    public static String sumField(int day, String type, String measure) {
        return "s|" + day + "|" + type + "#" + measure;
    }

    public static String sumField(int day, String type, String measure, String dim, String value) {
        return "s|" + day + "|" + type + "#" + measure + "|" + dim + "=" + value;
    }

    public static String minField(int day, String type, String measure) {
        return "lo|" + day + "|" + type + "#" + measure;
    }

    public static String maxField(int day, String type, String measure) {
        return "hi|" + day + "|" + type + "#" + measure;
    }

    public static String firstField(String type) {
        return "first|" + type;
    }

    public static String lastField(String type) {
        return "last|" + type;
    }

    /** The UTC epoch day of an epoch-millisecond time. */
    public static int day(long epochMillis) {
        return (int) Math.floorDiv(epochMillis, 86_400_000L);
    }

    /**
     * The day a field belongs to, or {@link DailySeries#NONE} for fields without one
     * ({@code first|…}); lets a store prune days that fell out of the policy's horizon.
     */
    public static int dayOf(String field) {
        int a = field.indexOf('|');
        int b = a < 0 ? -1 : field.indexOf('|', a + 1);
        if (b < 0 || field.startsWith("first|") || field.startsWith("last|")) {
            return DailySeries.NONE;
        }
        try {
            return Integer.parseInt(field, a + 1, b, 10);
        } catch (NumberFormatException e) {
            return DailySeries.NONE;
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /** As {@link #fromFields(Map)}, from alternating field names and values as a hash is read. */
    public static Aggregates fromFields(String[] fieldsAndValues) {
        Map<String, String> fields = new HashMap<>(fieldsAndValues.length);
        for (int i = 0; i + 1 < fieldsAndValues.length; i += 2) {
            fields.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return fromFields(fields);
    }

    /** Builds the in-memory form from stored fields; values are numbers or numeric strings. Unknown fields are ignored. */
    public static Aggregates fromFields(Map<String, ?> fields) {
        if (fields.isEmpty()) {
            return EMPTY;
        }
        Map<String, TreeMap<Integer, Double>> byKey = new HashMap<>();
        Map<String, Long> first = new HashMap<>();
        Map<String, Long> last = new HashMap<>();
        Map<String, List<String>> values = new HashMap<>();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            String field = e.getKey();
            double v = number(e.getValue());
            if (Double.isNaN(v)) {
                continue;
            }
            if (field.startsWith("first|")) {
                first.put(field.substring(6), (long) v);
                continue;
            }
            if (field.startsWith("last|")) {
                last.put(field.substring(5), (long) v);
                continue;
            }
            int a = field.indexOf('|');
            int b = a < 0 ? -1 : field.indexOf('|', a + 1);
            int day = dayOf(field);
            if (b < 0 || day == DailySeries.NONE) {
                continue;
            }
            String key = field.substring(0, a) + field.substring(b);
            byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(day, v);
            if (field.startsWith("n|")) {
                int c = field.indexOf('|', b + 1);
                int eq = c < 0 ? -1 : field.indexOf('=', c + 1);
                if (eq > 0) {
                    String typeDim = field.substring(b + 1, eq);
                    String value = field.substring(eq + 1);
                    List<String> list = values.computeIfAbsent(typeDim, k -> new ArrayList<>());
                    if (!list.contains(value)) {
                        list.add(value);
                    }
                }
            }
        }
        Map<String, DailySeries> series = new HashMap<>(byKey.size() * 2);
        for (Map.Entry<String, TreeMap<Integer, Double>> e : byKey.entrySet()) {
            TreeMap<Integer, Double> m = e.getValue();
            int[] days = new int[m.size()];
            double[] vals = new double[m.size()];
            int i = 0;
            for (Map.Entry<Integer, Double> d : m.entrySet()) {
                days[i] = d.getKey();
                vals[i++] = d.getValue();
            }
            series.put(e.getKey(), new DailySeries(days, vals));
        }
        Map<String, List<String>> frozen = new HashMap<>();
        values.forEach((k, v) -> {
            Collections.sort(v);
            frozen.put(k, List.copyOf(v));
        });
        return new Aggregates(Map.copyOf(series), Map.of(), Map.copyOf(first), Map.copyOf(last), Map.copyOf(frozen));
    }

    private static double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /**
     * These aggregates with {@code updates} applied, as the store applies them (for keeping a cached
     * snapshot current without reading it back). Copy-on-write: changed series go to a small overlay,
     * folded into the shared base only when it grows, and maps that no update touches are shared.
     */
    public Aggregates plus(List<AggregateUpdate> updates) {
        if (updates.isEmpty()) {
            return this;
        }
        Map<String, DailySeries> s = new HashMap<>(recent);
        Map<String, Long> f = first;
        Map<String, Long> l = last;
        Map<String, List<String>> v = values;
        for (AggregateUpdate u : updates) {
            String field = u.field();
            if (field.startsWith("first|")) {
                String type = field.substring(6);
                Long old = f.get(type);
                if (old == null || (long) u.value() < old) {
                    f = f == first ? new HashMap<>(first) : f;
                    f.put(type, (long) u.value());
                }
                continue;
            }
            if (field.startsWith("last|")) {
                String type = field.substring(5);
                Long old = l.get(type);
                if (old == null || (long) u.value() > old) {
                    l = l == last ? new HashMap<>(last) : l;
                    l.put(type, (long) u.value());
                }
                continue;
            }
            int a = field.indexOf('|');
            int b = a < 0 ? -1 : field.indexOf('|', a + 1);
            int day = dayOf(field);
            if (b < 0 || day == DailySeries.NONE) {
                continue;
            }
            String key = field.substring(0, a) + field.substring(b);
            DailySeries old = s.containsKey(key) ? s.get(key) : series.get(key);
            s.put(key, old == null ? new DailySeries(new int[] {day}, new double[] {u.value()}) : old.with(day, u));
            if (field.startsWith("n|")) {
                int c = field.indexOf('|', b + 1);
                int eq = c < 0 ? -1 : field.indexOf('=', c + 1);
                if (eq > 0) {
                    String typeDim = field.substring(b + 1, eq);
                    String value = field.substring(eq + 1);
                    List<String> known = v.getOrDefault(typeDim, List.of());
                    int at = Collections.binarySearch(known, value);
                    if (at < 0) {
                        List<String> more = new ArrayList<>(known.size() + 1);
                        more.addAll(known);
                        more.add(-at - 1, value);
                        v = v == values ? new HashMap<>(values) : v;
                        v.put(typeDim, Collections.unmodifiableList(more));
                    }
                }
            }
        }
        if (s.size() > MAX_RECENT) {
            Map<String, DailySeries> folded = new HashMap<>(series);
            folded.putAll(s);
            return new Aggregates(folded, Map.of(), f, l, v);
        }
        return new Aggregates(series, s, f, l, v);
    }

    public boolean isEmpty() {
        return series.isEmpty() && recent.isEmpty() && first.isEmpty();
    }

    /** Daily counts of events of {@code type}, or null. */
    public DailySeries count(String type) {
        return get("n|" + type);
    }

    /** Daily counts of events of {@code type} whose {@code dim} was {@code value}, or null. */
    public DailySeries count(String type, String dim, String value) {
        return get("n|" + type + "|" + dim + "=" + value);
    }

    public DailySeries sum(String type, String measure) {
        return get("s|" + type + "#" + measure);
    }

    public DailySeries sum(String type, String measure, String dim, String value) {
        return get("s|" + type + "#" + measure + "|" + dim + "=" + value);
    }

    public DailySeries min(String type, String measure) {
        return get("lo|" + type + "#" + measure);
    }

    public DailySeries max(String type, String measure) {
        return get("hi|" + type + "#" + measure);
    }

    /** The values of {@code dim} seen on events of {@code type}, sorted. */
    public List<String> values(String type, String dim) {
        return values.getOrDefault(type + "|" + dim, List.of());
    }

    /** Epoch ms of the first trimmed event of {@code type}, or null. */
    public Long first(String type) {
        return first.get(type);
    }

    /** Epoch ms of the last trimmed event of {@code type}, or null. */
    public Long last(String type) {
        return last.get(type);
    }
}
