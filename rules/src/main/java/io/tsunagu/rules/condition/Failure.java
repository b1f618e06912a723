package io.tsunagu.rules.condition;

import io.tsunagu.rules.source.Loc;
import java.util.List;

/**
 * Why a condition did not hold: the first clause that failed, where it was written, and the value it
 * saw ({@code actual}, null when the field was missing). {@code causes} explain a failed test of
 * {@code segments} by the failures of the segments it named.
 */
public record Failure(Loc loc, String clause, Object actual, List<Failure> causes) {

    public Failure {
        causes = List.copyOf(causes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(clause);
        if (actual != NOT_A_FIELD) {
            sb.append(" (was ").append(show(actual)).append(')');
        }
        if (loc.line() > 0) {
            sb.append(" at ").append(loc);
        }
        for (Failure c : causes) {
            sb.append("; ").append(c);
        }
        return sb.toString();
    }

    /** Marks a failure of a logical clause ($or, $not …) that has no single value to show. */
    public static final Object NOT_A_FIELD = new Object() {
        @Override
        public String toString() {
            return "";
        }
    };

    static String show(Object v) {
        if (v == null) {
            return "missing";
        }
        if (v instanceof Fields f) {
            v = f.asMap();
        }
        if (v instanceof String s) {
            return "\"" + s + "\"";
        }
        return Js.isObject(v) || v instanceof List ? v.toString() : Js.toStr(v);
    }
}
