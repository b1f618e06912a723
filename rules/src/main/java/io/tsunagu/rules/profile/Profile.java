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

    private final String id;
    private final Map<String, Object> attributes;
    private final Map<String, Event[]> byType;
    private final Map<String, Long> retainedFrom;
    private final Aggregates aggregates;
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
        Map<String, Event[]> types = new HashMap<>(grouped.size() * 2);
        grouped.forEach((type, list) -> types.put(type, list.toArray(NO_EVENTS)));
        this.byType = Map.copyOf(types);
        this.retainedFrom = Map.copyOf(b.retainedFrom);
        this.aggregates = b.aggregates;
    }

    private Profile(String id, Map<String, Object> attributes, Map<String, Event[]> byType,
            Map<String, Long> retainedFrom, Aggregates aggregates) {
        this.id = id;
        this.attributes = attributes;
        this.byType = byType;
        this.retainedFrom = retainedFrom;
        this.aggregates = aggregates;
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
            for (Event[] es : byType.values()) {
                all.addAll(Arrays.asList(es));
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
     * trimmed, and the aggregates take the event's updates — what the store does, so that a cached
     * snapshot stays exact without being read back. Events older than the policy's horizon are not
     * stored, as in the store.
     *
     * <p>An event older than its type's {@link #retainedFrom} cannot be applied exactly (it may repeat
     * a trimmed event, which only the store remembers): check {@link #appendsExactly} first and read
     * the profile back from the store instead. Such events are ignored here.
     */
    public Profile withEvents(List<Event> additions, ProfilePolicy policy, long now) {
        List<List<AggregateUpdate>> updates = new ArrayList<>(additions.size());
        for (Event e : additions) {
            updates.add(policy.updatesFor(e));
        }
        return withEvents(additions, updates, policy, now);
    }

    /**
     * As {@link #withEvents(List, ProfilePolicy, long)}, given each event's
     * {@link ProfilePolicy#updatesFor} (computed once by a caller that also sends them to the store).
     */
    public Profile withEvents(List<Event> additions, List<List<AggregateUpdate>> eventUpdates, ProfilePolicy policy,
            long now) {
        Map<String, Event[]> types = new HashMap<>(byType);
        Map<String, Long> retained = new HashMap<>(retainedFrom);
        List<AggregateUpdate> updates = new ArrayList<>();
        long horizon = policy.horizon(now);
        boolean changed = false;
        for (int k = 0; k < additions.size(); k++) {
            Event e = additions.get(k);
            if (e.ts() < horizon || e.ts() < retained.getOrDefault(e.type(), Long.MIN_VALUE)) {
                continue;
            }
            Event[] old = types.getOrDefault(e.type(), NO_EVENTS);
            if (e.id() != null && hasId(old, e.id())) {
                continue;
            }
            int at = old.length;
            while (at > 0 && old[at - 1].ts() > e.ts()) {
                at--;
            }
            int drop = Math.max(0, old.length + 1 - policy.maxEventsPerType());
            Event[] next = new Event[old.length + 1 - drop];
            int n = 0;
            long newestDropped = Long.MIN_VALUE;
            for (int i = 0; i <= old.length; i++) {
                Event x = i == at ? e : old[i < at ? i : i - 1];
                if (i < drop) {
                    newestDropped = x.ts();
                } else {
                    next[n++] = x;
                }
            }
            if (drop > 0) {
                retained.merge(e.type(), newestDropped + 1, Math::max);
            }
            types.put(e.type(), next);
            updates.addAll(eventUpdates.get(k));
            changed = true;
        }
        if (!changed) {
            return this;
        }
        return new Profile(id, attributes, Map.copyOf(types), Map.copyOf(retained), aggregates.plus(updates));
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
        return new Profile(id, Collections.unmodifiableMap(a), byType, retainedFrom, aggregates);
    }

    private static boolean hasId(Event[] events, String id) {
        for (int i = events.length - 1; i >= 0; i--) {
            if (id.equals(events[i].id())) {
                return true;
            }
        }
        return false;
    }

    /** Retained events of one type, oldest first (empty if none). Do not modify the array. */
    public Event[] events(String type) {
        Event[] e = byType.get(type);
        return e == null ? NO_EVENTS : e;
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
        return aggregates;
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.attributes.putAll(attributes);
        b.events.addAll(Arrays.asList(events()));
        b.retainedFrom.putAll(retainedFrom);
        b.aggregates = aggregates;
        return b;
    }

    @Override
    public String toString() {
        int n = 0;
        for (Event[] es : byType.values()) {
            n += es.length;
        }
        return "Profile[" + id + ", " + attributes.size() + " attributes, " + n + " events]";
    }

    public static final class Builder {
        private final String id;
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private final List<Event> events = new ArrayList<>();
        private final Map<String, Long> retainedFrom = new HashMap<>();
        private Aggregates aggregates = Aggregates.EMPTY;

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
            return this;
        }

        public Profile build() {
            return new Profile(this);
        }
    }
}
