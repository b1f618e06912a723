package io.tsunagu.rules.condition;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled test of one value (GrowthBook's {@code evalConditionValue} and its operators). Every
 * literal is converted when compiled: sets for {@code $in}, patterns for {@code $regex}, padded
 * strings for version operators.
 */
public sealed interface ValueCondition {

    boolean test(Object value);

    /** A plain string condition: {@code value + "" === expected}. */
    record EqualsText(String expected, double asNumber, boolean numeric) implements ValueCondition {

        public static EqualsText of(String expected) {
            double n = Js.parseNumber(expected);
            // A number value equals the string only if JavaScript would print it as exactly that string.
            boolean canonical = Js.numberToString(n).equals(expected);
            return new EqualsText(expected, n, canonical);
        }

        @Override
        public boolean test(Object value) {
            if (value instanceof String s) {
                return expected.equals(s);
            }
            if (value instanceof Number n) {
                double d = n.doubleValue();
                return numeric && (d == asNumber || (Double.isNaN(d) && Double.isNaN(asNumber)));
            }
            if (value == null) {
                return expected.equals("null");
            }
            if (value instanceof Boolean b) {
                return expected.equals(b ? "true" : "false");
            }
            return expected.equals(Js.toStr(value));
        }
    }

    /** A string element of {@code $alli}: {@code String(value).toLowerCase() === expected.toLowerCase()}. */
    record EqualsTextIgnoreCase(String lowerExpected) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return lowerExpected.equals(Js.lower(Js.toStr(value)));
        }
    }

    /** A plain number condition: {@code value * 1 === expected}. */
    record EqualsNumber(double expected) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return Js.toNumber(value) == expected;
        }
    }

    /** A plain boolean condition: {@code value !== null && !!value === expected}. */
    record EqualsBoolean(boolean expected) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return value != null && Js.truthy(value) == expected;
        }
    }

    /** A null condition: the value is null or missing. */
    record IsNull() implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return value == null;
        }
    }

    /** An array or plain object condition: equal as JSON. */
    record EqualsJson(Object expected) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return Js.jsonEquals(value, expected);
        }
    }

    /** An operator object: every operator must hold. */
    record AllOf(ValueCondition[] parts) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].test(value)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code $eq} / {@code $ne}: strict equality. */
    record StrictEquals(Object expected, boolean negate) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return Js.strictEquals(value, expected) != negate;
        }
    }

    /** {@code $gt $gte $lt $lte} with JavaScript's mixed-type comparison. */
    record Compare(Op op, Object expected) implements ValueCondition {

        public enum Op { GT, GTE, LT, LTE }

        @Override
        public boolean test(Object value) {
            int c = Js.compare(value, expected);
            return switch (op) {
                case GT -> c == Js.GREATER;
                case GTE -> c == Js.GREATER || c == Js.EQUAL;
                case LT -> c == Js.LESS;
                case LTE -> c == Js.LESS || c == Js.EQUAL;
            };
        }
    }

    /** {@code $exists}: whether the value is neither null nor missing. */
    record Exists(boolean expected) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return (value != null) == expected;
        }
    }

    /** {@code $in $nin $ini $nini $inGroup $notInGroup}: membership, intersecting when the value is an array. */
    record In(ValueSet set, boolean negate) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return set.matches(value) != negate;
        }
    }

    /** {@code $not} on a value. */
    record NotValue(ValueCondition inner) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return !inner.test(value);
        }
    }

    /** {@code $size}: the value is an array whose length passes the inner condition. */
    record Size(ValueCondition length) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return value instanceof List<?> l && length.test(l.size());
        }
    }

    /** {@code $elemMatch} with an operator object: some truthy element passes it. */
    record ElemMatchValue(ValueCondition element) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            if (!(value instanceof List<?> l)) {
                return false;
            }
            for (int i = 0; i < l.size(); i++) {
                Object e = l.get(i);
                if (Js.truthy(e) && element.test(e)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code $elemMatch} with a document condition: some truthy element matches it. */
    record ElemMatchDocument(Condition element) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            if (!(value instanceof List<?> l)) {
                return false;
            }
            for (int i = 0; i < l.size(); i++) {
                Object e = l.get(i);
                if (Js.truthy(e) && element.test(e)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code $all} / {@code $alli}: the value is an array and each condition matches some element. */
    record All(ValueCondition[] each) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            if (!(value instanceof List<?> l)) {
                return false;
            }
            for (int i = 0; i < each.length; i++) {
                boolean passed = false;
                for (int j = 0; j < l.size() && !passed; j++) {
                    passed = each[i].test(l.get(j));
                }
                if (!passed) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code $regex} / {@code $regexi}: a search (not a full match) in {@code String(value)}. */
    final class Regex implements ValueCondition {
        private final Pattern pattern;
        // One reusable Matcher per thread: matching then allocates nothing.
        private final ThreadLocal<Matcher> matchers;

        public Regex(Pattern pattern) {
            this.pattern = pattern;
            this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
        }

        public Pattern pattern() {
            return pattern;
        }

        @Override
        public boolean test(Object value) {
            return matchers.get().reset(Js.toStr(value)).find();
        }
    }

    /** {@code $type}. */
    record TypeIs(String type) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return type.equals(Js.typeOf(value));
        }
    }

    /** {@code $veq $vne $vgt $vgte $vlt $vlte}. */
    record VersionCompare(Op op, String paddedExpected) implements ValueCondition {

        public enum Op { EQ, NE, GT, GTE, LT, LTE }

        @Override
        public boolean test(Object value) {
            int c = Versions.padded(value).compareTo(paddedExpected);
            return switch (op) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case GT -> c > 0;
                case GTE -> c >= 0;
                case LT -> c < 0;
                case LTE -> c <= 0;
            };
        }
    }

    /**
     * A test of {@code segments} that names segments — {@code $elemMatch: {$eq: id}} or {@code $in}
     * (ANY), {@code $all} (ALL), {@code $nin} (NONE) — compiled so that only the named segments are
     * evaluated. On any other value it means exactly what the operators mean; {@code scalars} says
     * whether a single value is tested as such ({@code $in}, {@code $nin}) or fails ({@code $elemMatch},
     * {@code $all} need an array).
     */
    record Member(String[] ids, Mode mode, boolean scalars) implements ValueCondition {

        public enum Mode { ANY, ALL, NONE }

        @Override
        public boolean test(Object value) {
            if (value instanceof Membership m) {
                for (int i = 0; i < ids.length; i++) {
                    if (decided(m.has(ids[i]))) {
                        return mode == Mode.ANY;
                    }
                }
                return mode != Mode.ANY;
            }
            if (!Js.isScalar(value) && value instanceof List<?> l) {
                for (int i = 0; i < ids.length; i++) {
                    if (decided(l.contains(ids[i]))) {
                        return mode == Mode.ANY;
                    }
                }
                return mode != Mode.ANY;
            }
            if (scalars && value instanceof String s) {
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i].equals(s)) {
                        return mode == Mode.ANY;
                    }
                }
            }
            return mode == Mode.NONE;
        }

        /** Whether one answer settles the test: a member for ANY and NONE, a non-member for ALL. */
        private boolean decided(boolean member) {
            return mode == Mode.ALL ? !member : member;
        }
    }

    /** A part that can never hold, e.g. an unknown operator when compiling leniently. */
    record Never(String reason) implements ValueCondition {
        @Override
        public boolean test(Object value) {
            return false;
        }
    }
}
