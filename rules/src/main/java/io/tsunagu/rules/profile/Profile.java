package io.tsunagu.rules.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of one customer: attributes, recent events (time-ordered, per type and
 * merged) and aggregates. Safe to share between threads and to keep in a near-cache.
 *
 * <p>A store keeps only the most recent events of each type ({@link ProfilePolicy}); for a type whose
 * older events were trimmed, {@link #retainedFrom(String)} says from when on the events are complete,
 * and traits read the part before that from {@link Aggregates}.
 */
public final class Profile {

    private static final Event[] NO_EVENTS = new Event[0];
    private static final Comparator<Event> BY_TIME = Comparator.comparingLong(Event::ts);
    /** Events whose aggregate updates a snapshot defers before folding them in (see {@link #aggregates()}). */
    private static final int MAX_PENDING = 128;

    /**
     * Events trimmed since the aggregates were last built, newest first, with the policy in force:
     * their updates are derived again when the aggregates are read (holding the updates themselves
     * would cost several times the memory per page view).
     */
    private record Pending(Event event, ProfilePolicy policy, Pending older, int count) {
        List<AggregateUpdate> updates() {
            Pending[] chain = new Pending[count];
            int n = 0;
            for (Pending p = this; p != null; p = p.older) {
                chain[n++] = p;
            }
            List<AggregateUpdate> all = new ArrayList<>(count * 4);
            for (int i = n - 1; i >= 0; i--) {
                all.addAll(chain[i].policy.updatesFor(chain[i].event));
            }
            return all;
        }
    }

    /**
     * Event runs by type. A profile has a few types, so two small arrays, copied on write; the type
     * names stay shared between snapshots.
     */
    private static final class Runs {
        static final Runs NONE = new Runs(new String[0], new EventRun[0]);

        final String[] types;
        final EventRun[] runs;

        Runs(String[] types, EventRun[] runs) {
            this.types = types;
            this.runs = runs;
        }

        EventRun get(String type) {
            for (int i = 0; i < types.length; i++) {
                if (types[i].equals(type)) {
                    return runs[i];
                }
            }
            return EventRun.EMPTY;
        }

        Runs with(String type, EventRun run) {
            for (int i = 0; i < types.length; i++) {
                if (types[i].equals(type)) {
                    EventRun[] r = runs.clone();
                    r[i] = run;
                    return new Runs(types, r);
                }
            }
            String[] t = Arrays.copyOf(types, types.length + 1);
            EventRun[] r = Arrays.copyOf(runs, runs.length + 1);
            t[types.length] = type;
            r[runs.length] = run;
            return new Runs(t, r);
        }
    }

    private final String id;
    private final Map<String, Object> attributes;
    private final Runs byType;
    private final Map<String, Long> retainedFrom;
    /**
     * Aggregates are read only for windows reaching before a type's retained events, which most
     * profiles never have: they are decoded from the stored fields ({@link #rawAggregates}) and
     * updated by new events ({@link #pending}) on first use, not on every load and page view.
     */
    private final Aggregates baseAggregates;
    private final String[] rawAggregates;
    private final Pending pending;
    private volatile Aggregates aggregates;
    /** All kept events in time order, built on first use (decisions read events by type). */
    private volatile Event[] timeline;

    private Profile(Builder b) {
        this.id = b.id;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        Event[] all = b.events.toArray(NO_EVENTS);
        Arrays.sort(all, BY_TIME);
        this.timeline = all;
        Map<String, List<Event>> grouped = new HashMap<>();
        for (Event e : all) {
            grouped.computeIfAbsent(e.type(), k -> new ArrayList<>()).add(e);
        }
        Runs runs = Runs.NONE;
        for (Map.Entry<String, List<Event>> g : grouped.entrySet()) {
            runs = runs.with(g.getKey(), EventRun.of(g.getValue().toArray(NO_EVENTS)));
        }
        this.byType = runs;
        this.retainedFrom = Map.copyOf(b.retainedFrom);
        this.baseAggregates = b.rawAggregates == null ? b.aggregates : null;
        this.rawAggregates = b.rawAggregates;
        this.pending = null;
        this.aggregates = baseAggregates;
    }

    private Profile(String id, Map<String, Object> attributes, Runs byType,
            Map<String, Long> retainedFrom, Aggregates baseAggregates, String[] rawAggregates, Pending pending) {
        this.id = id;
        this.attributes = attributes;
        this.byType = byType;
        this.retainedFrom = retainedFrom;
        this.baseAggregates = baseAggregates;
        this.rawAggregates = rawAggregates;
        this.pending = pending;
        this.aggregates = pending == null ? baseAggregates : null;
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public static Profile empty(String id) {
        return builder(id).build();
    }

    /** The profile id: the member id for a known customer, else the visitor id. */
    public String id() {
        return id;
    }

    public Map<String, Object> attributes() {
        return attributes;
    }

    /** All retained events, oldest first. Do not modify the array. */
    public Event[] events() {
        Event[] t = timeline;
        if (t == null) {
            List<Event> all = new ArrayList<>();
            for (EventRun run : byType.runs) {
                for (int i = run.from(); i < run.to(); i++) {
                    all.add(run.buffer()[i]);
                }
            }
            t = all.toArray(NO_EVENTS);
            Arrays.sort(t, BY_TIME);
            timeline = t;
        }
        return t;
    }

    /**
     * This profile after {@code additions} were stored under {@code policy} at {@code now}: each new
     * event (by id) joins its type's events in time order, the oldest beyond the policy's limit are
     * trimmed, and the aggregates take the trimmed events' updates — what the store does, so that a cached
     * snapshot stays exact without being read back. Events older than the policy's horizon are not
     * stored, as in the store.
     *
     * <p>An event older than its type's {@link #retainedFrom} cannot be applied exactly (it may repeat
     * a trimmed event, which only the store remembers): check {@link #appendsExactly} first and read
     * the profile back from the store instead. Such events are ignored here.
     *
     * <p>The aggregates take the trimmed events' updates when they are next read ({@link #aggregates()}).
     */
    public Profile withEvents(List<Event> additions, ProfilePolicy policy, long now) {
        Runs types = byType;
        Map<String, Long> retained = retainedFrom;
        Aggregates folded = aggregates;
        Aggregates base = folded != null ? folded : baseAggregates;
        String[] raw = folded != null ? null : rawAggregates;
        Pending next = folded != null ? null : pending;
        long horizon = policy.horizon(now);
        for (int k = 0; k < additions.size(); k++) {
            Event e = additions.get(k);
            if (e.ts() < horizon || e.ts() < retained.getOrDefault(e.type(), Long.MIN_VALUE)) {
                continue;
            }
            EventRun old = types.get(e.type());
            if (e.id() != null && old.containsId(e.id())) {
                continue;
            }
            EventRun run = old.plus(e, policy.maxEventsPerType());
            List<Event> dropped = EventRun.dropped(old, run, e);
            if (!dropped.isEmpty()) {
                long from = dropped.get(dropped.size() - 1).ts() + 1;
                if (from > retained.getOrDefault(e.type(), Long.MIN_VALUE)) {
                    retained = retained == retainedFrom ? new HashMap<>(retainedFrom) : retained;
                    retained.put(e.type(), from);
                }
                // The aggregates hold the trimmed events, as in the store.
                for (Event d : dropped) {
                    next = new Pending(d, policy, next, next == null ? 1 : next.count + 1);
                }
            }
            types = types.with(e.type(), run);
        }
        if (types == byType) {
            return this;
        }
        Profile p = new Profile(id, attributes, types, retained, base, raw, next);
        if (next != null && next.count > MAX_PENDING) {
            p.aggregates(); // folds, so that what is pending stays bounded
        }
        return p;
    }

    /** Whether {@link #withEvents} can apply this event exactly (it is not older than the trimmed part). */
    public boolean appendsExactly(Event e) {
        return e.ts() >= retainedFrom(e.type());
    }

    /** This profile with attributes set (a null value removes the attribute). */
    public Profile withAttributes(Map<String, ?> changes) {
        Map<String, Object> a = new LinkedHashMap<>(attributes);
        changes.forEach((k, v) -> {
            if (v == null) {
                a.remove(k);
            } else {
                a.put(k, v);
            }
        });
        return new Profile(id, Collections.unmodifiableMap(a), byType, retainedFrom, baseAggregates, rawAggregates, pending);
    }

    /** Retained events of one type, oldest first (empty if none). Do not modify the array. */
    public Event[] events(String type) {
        EventRun run = byType.get(type);
        return run.isEmpty() ? NO_EVENTS : run.toArray();
    }

    /** Retained events of one type, oldest first, without copying. */
    public EventRun run(String type) {
        return byType.get(type);
    }

    /**
     * Every event of {@code type} at or after the returned time is in {@link #events(String)}; older
     * ones may live only in the aggregates. {@link Long#MIN_VALUE} when no event of the type was trimmed.
     */
    public long retainedFrom(String type) {
        Long r = retainedFrom.get(type);
        return r == null ? Long.MIN_VALUE : r;
    }

    public Map<String, Long> retainedFrom() {
        return retainedFrom;
    }

    public Aggregates aggregates() {
        Aggregates a = aggregates;
        if (a == null) {
            a = baseAggregates != null ? baseAggregates : Aggregates.fromFields(rawAggregates);
            if (pending != null) {
                a = a.plus(pending.updates());
            }
            aggregates = a; // racing readers compute the same value
        }
        return a;
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.attributes.putAll(attributes);
        b.events.addAll(Arrays.asList(events()));
        b.retainedFrom.putAll(retainedFrom);
        b.aggregates = aggregates();
        return b;
    }

    @Override
    public String toString() {
        int n = 0;
        for (EventRun run : byType.runs) {
            n += run.size();
        }
        return "Profile[" + id + ", " + attributes.size() + " attributes, " + n + " events]";
    }

    public static final class Builder {
        private final String id;
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private final List<Event> events = new ArrayList<>();
        private final Map<String, Long> retainedFrom = new HashMap<>();
        private Aggregates aggregates = Aggregates.EMPTY;
        private String[] rawAggregates;

        private Builder(String id) {
            this.id = id;
        }

        public Builder attribute(String name, Object value) {
            if (value == null) {
                attributes.remove(name);
            } else {
                attributes.put(name, value);
            }
            return this;
        }

        public Builder attributes(Map<String, ?> values) {
            values.forEach(this::attribute);
            return this;
        }

        public Builder event(Event e) {
            events.add(e);
            return this;
        }

        public Builder events(Collection<Event> es) {
            events.addAll(es);
            return this;
        }

        /** Declares that events of {@code type} before {@code ts} may have been trimmed. */
        public Builder retainedFrom(String type, long ts) {
            retainedFrom.put(type, ts);
            return this;
        }

        public Builder aggregates(Aggregates a) {
            this.aggregates = a == null ? Aggregates.EMPTY : a;
            this.rawAggregates = null;
            return this;
        }

        /**
         * The aggregates as stored (alternating field names and values), decoded when first read:
         * see {@link Aggregates#fromFields(String[])}.
         */
        public Builder aggregateFields(String[] fieldsAndValues) {
            this.rawAggregates = fieldsAndValues.length == 0 ? null : fieldsAndValues;
            this.aggregates = Aggregates.EMPTY;
            return this;
        }

        public Profile build() {
            return new Profile(this);
        }
    }
}
