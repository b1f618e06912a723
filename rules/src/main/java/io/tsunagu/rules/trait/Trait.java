package io.tsunagu.rules.trait;

import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.profile.Aggregates;
import io.tsunagu.rules.profile.DailySeries;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.source.Loc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A value computed from a profile's events, declared in a rule file ({@code count}, {@code sum},
 * {@code min}, {@code max}, {@code first}, {@code last}, {@code distinct}, {@code top},
 * {@code sequence}). Windows ({@code within}) end at "now": events after now are not counted.
 *
 * <p>Results: counts and distinct counts are Longs; sums, minima and maxima Doubles (null when
 * there is nothing to take a minimum of); {@code first}/{@code last} of a type are epoch-millisecond
 * Longs, of a property its value; {@code top} is a list of strings; {@code sequence} a Boolean.
 */
public sealed interface Trait {

    String name();

    Loc loc();

    Object compute(Profile profile, long now);

    /** {@code count: TYPE}. */
    record Count(String name, EventSelector events, long within, Loc loc) implements Trait {
        @Override
        public Object compute(Profile p, long now) {
            Window w = new Window(p, events.type(), within, now);
            long n = 0;
            for (int i = w.lo; i < w.hi; i++) {
                if (events.matches(w.events[i])) {
                    n++;
                }
            }
            if (w.trimmed && events.aggregatable()) {
                n += Math.max(0, Math.round(events.aggregateCount(p.aggregates(), w.fromDay, w.trimmedToDay)));
            }
            return n;
        }
    }

    /** {@code sum: TYPE.PROP}; non-numeric values are skipped. */
    record Sum(String name, EventSelector events, Path prop, String measure, long within, Loc loc) implements Trait {
        @Override
        public Object compute(Profile p, long now) {
            Window w = new Window(p, events.type(), within, now);
            double s = 0;
            Object[] values = w.column(events, prop);
            if (values != null) {
                for (int i = w.lo; i < w.hi; i++) {
                    s += valueOf(values[i]);
                }
            } else {
                for (int i = w.lo; i < w.hi; i++) {
                    Event e = w.events[i];
                    if (events.matches(e)) {
                        s += valueOf(prop.resolve(e));
                    }
                }
            }
            if (w.trimmed && measure != null && events.aggregatable()) {
                s += events.aggregateSum(p.aggregates(), measure, w.fromDay, w.trimmedToDay);
            }
            return s;
        }

        private static double valueOf(Object value) {
            double v = ProfilePolicy.measureValue(value);
            return Double.isNaN(v) ? 0 : v;
        }
    }

    /** {@code min: TYPE.PROP} or {@code max: TYPE.PROP}. */
    record Extreme(String name, EventSelector events, Path prop, String measure, boolean max, long within, Loc loc)
            implements Trait {
        @Override
        public Object compute(Profile p, long now) {
            Window w = new Window(p, events.type(), within, now);
            double m = Double.NaN;
            for (int i = w.lo; i < w.hi; i++) {
                Event e = w.events[i];
                if (events.matches(e)) {
                    double v = ProfilePolicy.measureValue(prop.resolve(e));
                    if (!Double.isNaN(v) && (Double.isNaN(m) || (max ? v > m : v < m))) {
                        m = v;
                    }
                }
            }
            if (w.trimmed && measure != null && !events.hasWhere()) {
                DailySeries s = max ? p.aggregates().max(events.type(), measure)
                        : p.aggregates().min(events.type(), measure);
                if (s != null) {
                    double v = max ? s.max(w.fromDay, w.trimmedToDay) : s.min(w.fromDay, w.trimmedToDay);
                    if (!Double.isNaN(v) && (Double.isNaN(m) || (max ? v > m : v < m))) {
                        m = v;
                    }
                }
            }
            return Double.isNaN(m) ? null : m;
        }
    }

    /** {@code first: TYPE[.PROP]} or {@code last: TYPE[.PROP]}: a time, or the property's value. */
    record Edge(String name, EventSelector events, Path prop, boolean last, long within, Loc loc) implements Trait {
        @Override
        public Object compute(Profile p, long now) {
            Window w = new Window(p, events.type(), within, now);
            Event found = null;
            if (last) {
                for (int i = w.hi - 1; i >= w.lo && found == null; i--) {
                    if (events.matches(w.events[i])) {
                        found = w.events[i];
                    }
                }
                if (found != null || !w.trimmed) {
                    return valueOf(found);
                }
                return fromAggregates(p, w);
            }
            if (w.trimmed) {
                Object trimmed = fromAggregates(p, w);
                if (trimmed != null) {
                    return trimmed;
                }
            }
            for (int i = w.lo; i < w.hi && found == null; i++) {
                if (events.matches(w.events[i])) {
                    found = w.events[i];
                }
            }
            return valueOf(found);
        }

        private Object valueOf(Event e) {
            if (e == null) {
                return null;
            }
            return prop == null ? (Object) e.ts() : prop.resolve(e);
        }

        /** The trimmed event nearest the window's edge, to day precision: its day's start, or its dimension value. */
        private Object fromAggregates(Profile p, Window w) {
            Aggregates a = p.aggregates();
            if (!events.aggregatable()) {
                return null;
            }
            if (prop == null) {
                if (!events.hasWhere() && w.start == Long.MIN_VALUE) {
                    Long t = last ? a.last(events.type()) : a.first(events.type());
                    if (t != null && t <= w.now) {
                        return t;
                    }
                }
                int day = trimmedDay(p, w, null, null);
                return day == DailySeries.NONE ? null : (Object) Math.max(w.start, Window.dayStart(day));
            }
            String dim = prop.length() == 1 ? prop.part(0) : null;
            if (dim == null || (events.hasWhere() && !dim.equals(events.dimension()))) {
                return null;
            }
            String best = null;
            int bestDay = DailySeries.NONE;
            for (String value : a.values(events.type(), dim)) {
                int day = trimmedDay(p, w, dim, value);
                if (day != DailySeries.NONE && (best == null || (last ? day > bestDay : day < bestDay))) {
                    best = value;
                    bestDay = day;
                }
            }
            return best;
        }

        /** The first (or last) day in the window's trimmed part with trimmed events, optionally of one dimension value. */
        private int trimmedDay(Profile p, Window w, String dim, String value) {
            DailySeries s = dim == null ? p.aggregates().count(events.type())
                    : p.aggregates().count(events.type(), dim, value);
            if (s == null) {
                return DailySeries.NONE;
            }
            int result = DailySeries.NONE;
            for (int i = s.indexFrom(w.fromDay); i < s.size() && s.day(i) <= w.trimmedToDay; i++) {
                int day = s.day(i);
                if (s.value(i) > 0) {
                    result = day;
                    if (!last) {
                        break;
                    }
                }
            }
            return result;
        }

    }

    /**
     * {@code distinct: TYPE.PROP} (how many different values) and {@code top: TYPE.PROP, n: N} (the N
     * most frequent, most recently seen first on ties). List values count element by element.
     */
    record Values(String name, EventSelector events, Path prop, int top, long within, Loc loc) implements Trait {

        public boolean isTop() {
            return top > 0;
        }

        @Override
        public Object compute(Profile p, long now) {
            Window w = new Window(p, events.type(), within, now);
            Map<String, long[]> tally = new HashMap<>(); // value -> {count, last seen}
            Object[] values = w.column(events, prop);
            if (values != null) {
                for (int i = w.lo; i < w.hi; i++) {
                    tally(tally, values[i], w.times[i]);
                }
            } else {
                for (int i = w.lo; i < w.hi; i++) {
                    Event e = w.events[i];
                    if (events.matches(e)) {
                        tally(tally, prop.resolve(e), e.ts());
                    }
                }
            }
            String dim = prop.length() == 1 ? prop.part(0) : null;
            if (w.trimmed && dim != null && events.aggregatable()
                    && (!events.hasWhere() || dim.equals(events.dimension()))) {
                addTrimmed(p, w, dim, tally);
            }
            if (!isTop()) {
                return (long) tally.size();
            }
            List<Map.Entry<String, long[]>> entries = new ArrayList<>(tally.entrySet());
            entries.sort((a, b) -> {
                int c = Long.compare(b.getValue()[0], a.getValue()[0]);
                if (c == 0) {
                    c = Long.compare(b.getValue()[1], a.getValue()[1]);
                }
                return c != 0 ? c : a.getKey().compareTo(b.getKey());
            });
            List<String> out = new ArrayList<>(Math.min(top, entries.size()));
            for (int i = 0; i < entries.size() && i < top; i++) {
                out.add(entries.get(i).getKey());
            }
            return Collections.unmodifiableList(out);
        }

        private static void tally(Map<String, long[]> tally, Object v, long ts) {
            String single = ProfilePolicy.dimensionValue(v);
            if (single != null) {
                count(tally, single, ts);
            } else if (v != null) {
                for (String each : ProfilePolicy.dimensionValues(v)) {
                    count(tally, each, ts);
                }
            }
        }

        private static void count(Map<String, long[]> tally, String value, long ts) {
            long[] t = tally.get(value);
            if (t == null) {
                t = new long[2];
                tally.put(value, t);
            }
            t[0]++;
            t[1] = Math.max(t[1], ts);
        }

        private void addTrimmed(Profile p, Window w, String dim, Map<String, long[]> tally) {
            for (String value : p.aggregates().values(events.type(), dim)) {
                if (events.hasWhere() && !events.matches(probe(dim, value))) {
                    continue;
                }
                DailySeries s = p.aggregates().count(events.type(), dim, value);
                if (s == null) {
                    continue;
                }
                long trimmed = Math.round(s.sum(w.fromDay, w.trimmedToDay));
                if (trimmed > 0) {
                    long[] t = tally.computeIfAbsent(value, k -> new long[2]);
                    t[0] += trimmed;
                    int lastDay = s.lastDay(w.fromDay, w.trimmedToDay);
                    t[1] = Math.max(t[1], Window.dayStart(lastDay));
                }
            }
        }

        /** An event with only one dimension set, to test a value against a {@code where} on that dimension. */
        private Event probe(String dim, String value) {
            return Event.of(events.type(), 0, Map.of(dim, value));
        }
    }

    /** One step of a sequence: an event type, optionally filtered. */
    record Step(EventSelector events) {
    }

    /**
     * {@code sequence: [A, B, …]}: events A, then B, … happened in that order (each at or after the
     * previous, a different event each), all inside {@code within} of now and, with {@code span},
     * no more than span apart from first to last.
     */
    record Sequence(String name, Step[] steps, long within, long span, Loc loc) implements Trait {
        @Override
        public Object compute(Profile p, long now) {
            long[][] times = new long[steps.length][];
            for (int i = 0; i < steps.length; i++) {
                times[i] = occurrences(p, steps[i].events(), now);
                if (times[i].length == 0) {
                    return false;
                }
            }
            long[] first = times[0];
            for (int s = 0; s < first.length; s++) {
                long begin = first[s];
                long prev = begin;
                boolean complete = true;
                for (int i = 1; i < steps.length && complete; i++) {
                    boolean sameAsPrevious = steps[i].events().type().equals(steps[i - 1].events().type());
                    int j = firstIndex(times[i], prev, sameAsPrevious);
                    if (j >= times[i].length) {
                        complete = false;
                    } else {
                        prev = times[i][j];
                    }
                }
                if (!complete) {
                    return false; // later starts cannot complete either
                }
                if (span < 0 || prev - begin <= span) {
                    return true;
                }
            }
            return false;
        }

        /** Times of the step's events in the window, oldest first; trimmed ones at their day's start. */
        private long[] occurrences(Profile p, EventSelector sel, long now) {
            Window w = new Window(p, sel.type(), within, now);
            Times out = new Times();
            if (w.trimmed && sel.aggregatable()) {
                Aggregates a = p.aggregates();
                DailySeries s = !sel.hasWhere() ? a.count(sel.type()) : null;
                int to = w.trimmedToDay;
                for (int day = w.fromDay == Integer.MIN_VALUE ? firstDay(a, sel) : w.fromDay;
                        day != DailySeries.NONE && day <= to; day++) {
                    double trimmed = s != null ? s.on(day) : sel.aggregateCountOn(a, day);
                    if (trimmed > 0) {
                        out.add(Math.max(w.start, Window.dayStart(day)));
                    }
                }
            }
            for (int i = w.lo; i < w.hi; i++) {
                if (sel.matches(w.events[i])) {
                    out.add(w.events[i].ts());
                }
            }
            return out.toArray();
        }

        /** A growable list of times without boxing. */
        private static final class Times {
            private long[] values = new long[16];
            private int size;

            void add(long t) {
                if (size == values.length) {
                    values = java.util.Arrays.copyOf(values, size * 2);
                }
                values[size++] = t;
            }

            long[] toArray() {
                return java.util.Arrays.copyOf(values, size);
            }
        }

        private static int firstDay(Aggregates a, EventSelector sel) {
            DailySeries s = a.count(sel.type());
            return s == null || s.size() == 0 ? DailySeries.NONE : s.day(0);
        }

        /** Index of the first time {@code >= t} (or {@code > t} when {@code after}). */
        private static int firstIndex(long[] a, long t, boolean after) {
            int lo = 0;
            int hi = a.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] < t || (after && a[mid] == t)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
