package io.tsunagu.rules.trait;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.profile.Aggregates;
import io.tsunagu.rules.profile.DailySeries;
import io.tsunagu.rules.profile.Event;

/**
 * The events a trait looks at: one type, optionally filtered by a {@code where} condition. When the
 * filter is empty or tests one aggregate dimension for equality ({@code where: {store_id: shibuya}}),
 * the part of a window older than the retained events can be read from the aggregates.
 */
public final class EventSelector {

    private final String type;
    private final Condition where;
    private final String dimension;
    private final String[] countKeys;

    /**
     * @param dimension the aggregate dimension {@code where} tests, or null
     * @param values the values {@code where} accepts for it (ignored when dimension is null)
     */
    EventSelector(String type, Condition where, String dimension, String[] values) {
        this.type = type;
        this.where = where;
        this.dimension = dimension;
        if (where == null) {
            this.countKeys = new String[] {type};
        } else if (dimension != null) {
            this.countKeys = values;
        } else {
            this.countKeys = null;
        }
    }

    public String type() {
        return type;
    }

    public boolean hasWhere() {
        return where != null;
    }

    /** Whether the trimmed part of a window can be read from the aggregates. */
    public boolean aggregatable() {
        return countKeys != null;
    }

    public String dimension() {
        return dimension;
    }

    public boolean matches(Event e) {
        return where == null || where.test(e);
    }

    /** Aggregate daily count of the selected events over {@code [fromDay, toDay]}. */
    double aggregateCount(Aggregates a, int fromDay, int toDay) {
        double n = 0;
        for (String key : countKeys) {
            DailySeries s = where == null ? a.count(type) : a.count(type, dimension, key);
            if (s != null) {
                n += s.sum(fromDay, toDay);
            }
        }
        return n;
    }

    /** Aggregate daily sum of {@code measure} over the selected events over {@code [fromDay, toDay]}. */
    double aggregateSum(Aggregates a, String measure, int fromDay, int toDay) {
        double n = 0;
        for (String key : countKeys) {
            DailySeries s = where == null ? a.sum(type, measure) : a.sum(type, measure, dimension, key);
            if (s != null) {
                n += s.sum(fromDay, toDay);
            }
        }
        return n;
    }

    /** Aggregate count of the selected events on one day. */
    double aggregateCountOn(Aggregates a, int day) {
        return aggregateCount(a, day, day);
    }
}
