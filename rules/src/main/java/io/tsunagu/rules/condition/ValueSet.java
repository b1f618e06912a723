package io.tsunagu.rules.condition;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable set of scalar values with JavaScript's {@code includes} equality, built once from the
 * list of an {@code $in} or a named id list. Strings are hashed, numbers binary-searched; looking a
 * value up does not allocate. Objects and arrays in the source list are kept only in {@link #size()}:
 * under {@code ===} nothing else can ever equal them.
 */
public final class ValueSet {

    public static final ValueSet EMPTY = new ValueSet(List.of(), false);

    private final Set<String> strings;
    private final double[] numbers;
    private final boolean hasTrue;
    private final boolean hasFalse;
    private final boolean hasNull;
    private final boolean caseInsensitive;
    private final int size;

    private ValueSet(Collection<?> values, boolean caseInsensitive) {
        this.caseInsensitive = caseInsensitive;
        Set<String> s = new HashSet<>();
        double[] n = new double[values.size()];
        int count = 0;
        boolean t = false;
        boolean f = false;
        boolean nul = false;
        for (Object v : values) {
            if (v instanceof String str) {
                s.add(caseInsensitive ? Js.lower(str) : str);
            } else if (v instanceof Number num) {
                n[count++] = num.doubleValue();
            } else if (v instanceof Boolean b) {
                t |= b;
                f |= !b;
            } else if (v == null) {
                nul = true;
            }
        }
        // A HashSet, not Set.copyOf: the immutable sets probe linearly, and ids such as "M-004711"
        // have clustered hash codes that make long probe runs (6x slower measured on 10,000 ids).
        this.strings = s;
        double[] sorted = Arrays.copyOf(n, count);
        Arrays.sort(sorted);
        this.numbers = sorted;
        this.hasTrue = t;
        this.hasFalse = f;
        this.hasNull = nul;
        this.size = values.size();
    }

    public static ValueSet of(Collection<?> values) {
        return new ValueSet(values, false);
    }

    /** A set for {@code $ini}/{@code $nini}: strings compare lower-cased. */
    public static ValueSet caseInsensitive(Collection<?> values) {
        return new ValueSet(values, true);
    }

    public int size() {
        return size;
    }

    /** Whether {@code v} is in the set ({@code includes} semantics). */
    public boolean contains(Object v) {
        if (v instanceof String s) {
            return strings.contains(caseInsensitive ? Js.lower(s) : s);
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                return numbers.length > 0 && Double.isNaN(numbers[numbers.length - 1]);
            }
            return Arrays.binarySearch(numbers, d) >= 0 || (d == 0 && containsZero());
        }
        if (v instanceof Boolean b) {
            return b ? hasTrue : hasFalse;
        }
        return v == null && hasNull;
    }

    private boolean containsZero() {
        // binarySearch tells -0.0 from 0.0; includes() does not.
        return Arrays.binarySearch(numbers, -0.0) >= 0 || Arrays.binarySearch(numbers, 0.0) >= 0;
    }

    /** GrowthBook's {@code isIn}: an array matches when any of its elements is in the set. */
    public boolean matches(Object actual) {
        if (Js.isScalar(actual)) {
            return contains(actual);
        }
        if (actual instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (contains(l.get(i))) {
                    return true;
                }
            }
            return false;
        }
        return contains(actual);
    }
}
