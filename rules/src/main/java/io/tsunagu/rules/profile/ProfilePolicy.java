package io.tsunagu.rules.profile;

import io.tsunagu.rules.condition.Js;
import io.tsunagu.rules.source.PlainJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a profile keeps: the most recent {@code maxEventsPerType} events of each type, and daily
 * aggregates of the older (trimmed) events for {@code aggregateDays} days, with per-value counts for
 * the {@code dimensions} and sums, minima and maxima of the {@code measures}.
 *
 * <p>Keeping events per type (rather than the last N of all) means a busy web browser's page views
 * never push their store visits out of the profile.
 */
public record ProfilePolicy(int maxEventsPerType, int aggregateDays, List<String> dimensions, List<String> measures) {

    /** Longest dimension value kept in aggregates; longer ones are cut, so field names stay bounded. */
    public static final int MAX_VALUE_LENGTH = 100;

    public static final ProfilePolicy DEFAULT = new ProfilePolicy(200, 800,
            List.of("channel", "store_id", "brand", "category"), List.of("amount"));

    public ProfilePolicy {
        if (maxEventsPerType < 1) {
            throw new IllegalArgumentException("maxEventsPerType must be at least 1, was " + maxEventsPerType);
        }
        if (aggregateDays < 1) {
            throw new IllegalArgumentException("aggregateDays must be at least 1, was " + aggregateDays);
        }
        // The names events hold, so that looking them up in an event's properties finds them by identity.
        dimensions = dimensions.stream().map(Interner::name).toList();
        measures = measures.stream().map(Interner::name).toList();
    }

    /** Events before this time (epoch ms) are not stored: their days fell out of the aggregates. */
    public long horizon(long now) {
        return now - aggregateDays * 86_400_000L;
    }

    public boolean isDimension(String prop) {
        return dimensions.contains(prop);
    }

    public boolean isMeasure(String prop) {
        return measures.contains(prop);
    }

    /** The aggregate changes one new event makes. */
    public List<AggregateUpdate> updatesFor(Event e) {
        int day = Aggregates.day(e.ts());
        String type = e.type();
        List<AggregateUpdate> out = new ArrayList<>(8);
        out.add(new AggregateUpdate(Aggregates.countField(day, type), AggregateUpdate.Op.ADD, 1));
        out.add(new AggregateUpdate(Aggregates.firstField(type), AggregateUpdate.Op.MIN, e.ts()));
        out.add(new AggregateUpdate(Aggregates.lastField(type), AggregateUpdate.Op.MAX, e.ts()));
        List<String[]> dims = new ArrayList<>(dimensions.size());
        for (String dim : dimensions) {
            for (String value : dimensionValues(e.prop(dim))) {
                dims.add(new String[] {dim, value});
                out.add(new AggregateUpdate(Aggregates.countField(day, type, dim, value), AggregateUpdate.Op.ADD, 1));
            }
        }
        for (String measure : measures) {
            double x = measureValue(e.prop(measure));
            if (Double.isNaN(x)) {
                continue;
            }
            out.add(new AggregateUpdate(Aggregates.sumField(day, type, measure), AggregateUpdate.Op.ADD, x));
            out.add(new AggregateUpdate(Aggregates.minField(day, type, measure), AggregateUpdate.Op.MIN, x));
            out.add(new AggregateUpdate(Aggregates.maxField(day, type, measure), AggregateUpdate.Op.MAX, x));
            for (String[] d : dims) {
                out.add(new AggregateUpdate(Aggregates.sumField(day, type, measure, d[0], d[1]), AggregateUpdate.Op.ADD, x));
            }
        }
        return out;
    }

    /**
     * {@link #updatesFor} in the compact form the store's apply script expands, knowing the event's type
     * and time: the event's dimension values as {@code dim=value} joined by U+001F, then U+001E, then its
     * measures as {@code measure=number} joined by U+001F. A fifth of the bytes of the spelled-out
     * updates for a store receipt line; values never hold control characters ({@link #dimensionValue})
     * and names are identifiers, so the separators are unambiguous.
     */
    public String compactUpdates(Event e) {
        StringBuilder sb = new StringBuilder(64);
        for (String dim : dimensions) {
            for (String value : dimensionValues(e.prop(dim))) {
                if (sb.length() > 0) {
                    sb.append('\u001f');
                }
                sb.append(dim).append('=').append(value);
            }
        }
        sb.append('\u001e');
        int measuresFrom = sb.length();
        for (String measure : measures) {
            double x = measureValue(e.prop(measure));
            if (!Double.isNaN(x)) {
                if (sb.length() > measuresFrom) {
                    sb.append('\u001f');
                }
                sb.append(measure).append('=').append(number(x));
            }
        }
        return sb.toString();
    }

    /** A number as the store writes it: whole numbers without a fraction, others exactly (shortest form). */
    public static String number(double v) {
        return PlainJson.isWhole(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The aggregate keys a dimension property contributes: one per scalar value, lists element-wise. */
    public static List<String> dimensionValues(Object v) {
        String single = dimensionValue(v);
        if (single != null) {
            return List.of(single);
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                String s = dimensionValue(o);
                if (s != null && !out.contains(s)) {
                    out.add(s);
                }
            }
            return out;
        }
        return List.of();
    }

    /** The aggregate key of a scalar value (a string, number or boolean), or null for anything else. */
    public static String dimensionValue(Object v) {
        if (v instanceof String s) {
            return clip(s);
        }
        if (v instanceof Number || v instanceof Boolean) {
            return clip(Js.toStr(v));
        }
        return null;
    }

    /** Cut to {@link #MAX_VALUE_LENGTH}; control characters become spaces (stores use them as separators). */
    private static String clip(String s) {
        String c = s.length() <= MAX_VALUE_LENGTH ? s : s.substring(0, MAX_VALUE_LENGTH);
        for (int i = 0; i < c.length(); i++) {
            if (c.charAt(i) < ' ') {
                return c.replaceAll("\\p{Cntrl}", " ");
            }
        }
        return c;
    }

    /** A measure's numeric value: numbers, and strings that are numbers; NaN otherwise. */
    public static double measureValue(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : Double.NaN;
        }
        if (v instanceof String s && !s.isBlank()) {
            double d = Js.parseNumber(s);
            return Double.isFinite(d) ? d : Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * The profile a store following this policy holds after receiving {@code events} (duplicates by
     * id ignored): the reference the Redis store is tested against, and how fixtures build profiles.
     */
    public Profile apply(String id, Map<String, ?> attributes, Collection<Event> events, long now) {
        List<Event> unique = new ArrayList<>(events.size());
        Set<String> ids = new HashSet<>();
        for (Event e : events) {
            if (e.id() == null || ids.add(e.id())) {
                unique.add(e);
            }
        }
        unique.sort((a, b) -> Long.compare(a.ts(), b.ts()));
        unique.removeIf(e -> e.ts() < horizon(now));
        Profile.Builder b = Profile.builder(id).attributes(attributes);
        Map<String, List<Event>> byType = new HashMap<>();
        for (Event e : unique) {
            byType.computeIfAbsent(e.type(), k -> new ArrayList<>()).add(e);
        }
        // The aggregates hold exactly the trimmed events: the oldest beyond the limit of each type.
        Map<String, Double> fields = new HashMap<>();
        for (Map.Entry<String, List<Event>> t : byType.entrySet()) {
            List<Event> list = t.getValue();
            int drop = Math.max(0, list.size() - maxEventsPerType);
            if (drop > 0) {
                b.retainedFrom(t.getKey(), list.get(drop - 1).ts() + 1);
            }
            for (Event e : list.subList(0, drop)) {
                for (AggregateUpdate u : updatesFor(e)) {
                    fields.merge(u.field(), u.value(), switch (u.op()) {
                        case ADD -> Double::sum;
                        case MIN -> Math::min;
                        case MAX -> Math::max;
                    });
                }
            }
            b.events(list.subList(drop, list.size()));
        }
        return b.aggregates(Aggregates.fromFields(fields)).build();
    }
}
