package io.tsunagu.rules.condition;

import io.tsunagu.rules.source.Loc;

/**
 * A compiled condition over a document (GrowthBook's {@code evalCondition}). Built once by
 * {@link ConditionCompiler}; immutable and thread-safe.
 *
 * <p>Implementation notes, in the manner of a per-request evaluator: every variant loops by index over
 * arrays, captures nothing, and allocates nothing while testing strings, numbers and booleans. Each
 * node keeps where it was written and how, only for {@link Explanation}.
 */
public sealed interface Condition {

    boolean test(Object document);

    /** Where the clause was written. */
    Loc loc();

    /** The clause as the author wrote it, e.g. {@code traits.last_store: "shibuya"}. */
    String text();

    /** The condition that always holds ({@code {}}). */
    Condition ALWAYS = new Constant(true, Loc.NONE, "{}");

    /** Implicit AND of a mapping's entries, and {@code $and}. */
    record And(Condition[] parts, Loc loc, String text) implements Condition {
        @Override
        public boolean test(Object document) {
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].test(document)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code $or}; an empty list holds. */
    record Or(Condition[] parts, Loc loc, String text) implements Condition {
        @Override
        public boolean test(Object document) {
            if (parts.length == 0) {
                return true;
            }
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].test(document)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code $nor}: not {@code $or}, so an empty list does not hold. */
    record Nor(Condition[] parts, Loc loc, String text) implements Condition {
        @Override
        public boolean test(Object document) {
            if (parts.length == 0) {
                return false;
            }
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].test(document)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Not(Condition inner, Loc loc, String text) implements Condition {
        @Override
        public boolean test(Object document) {
            return !inner.test(document);
        }
    }

    /** A test of the value at one path: {@code traits.purchase_count: {$gte: 5}}. */
    record Field(Path path, ValueCondition test, Loc loc, String text) implements Condition {
        @Override
        public boolean test(Object document) {
            return test.test(path.resolve(document));
        }
    }

    record Constant(boolean value, Loc loc, String text) implements Condition {
        @Override
        public boolean test(Object document) {
            return value;
        }
    }
}
