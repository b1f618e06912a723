package io.tsunagu.rules.profile;

/**
 * One change an event makes to a profile's aggregates: {@code op} applied to the hash field
 * {@code field} with {@code value}. The store applies these atomically with the event itself, only
 * when the event is new.
 */
public record AggregateUpdate(String field, Op op, double value) {

    public enum Op {
        /** Add {@code value} (counts and sums). */
        ADD,
        /** Keep the smaller of the stored value and {@code value}. */
        MIN,
        /** Keep the larger of the stored value and {@code value}. */
        MAX
    }
}
