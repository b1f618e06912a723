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
    private final Event[] events;
    private final Map<String, Event[]> byType;
    private final Map<String, Long> retainedFrom;
    private final Aggregates aggregates;

    private Profile(Builder b) {
        this.id = b.id;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        Event[] all = b.events.toArray(NO_EVENTS);
        Arrays.sort(all, BY_TIME);
        this.events = all;
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
        return events;
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
        b.events.addAll(Arrays.asList(events));
        b.retainedFrom.putAll(retainedFrom);
        b.aggregates = aggregates;
        return b;
    }

    @Override
    public String toString() {
        return "Profile[" + id + ", " + attributes.size() + " attributes, " + events.length + " events]";
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
