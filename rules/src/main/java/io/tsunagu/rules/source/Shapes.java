package io.tsunagu.rules.source;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Checks of the shape of rule-file values, each reporting a located, plain-worded error. */
public final class Shapes {

    /** Ids of traits, segments, lists: usable in dotted paths, so no dots. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,127}");

    private Shapes() {
    }

    /** Reports every key of {@code map} not in {@code allowed}; returns whether there were none. */
    public static boolean onlyKeys(Node.MapNode map, Collection<String> allowed, String where, Problems problems) {
        boolean ok = true;
        for (Node.Entry e : map.entries().values()) {
            if (!allowed.contains(e.key())) {
                problems.error(e.keyLoc(), "unknown key \"" + e.key() + "\" in " + where + "; expected one of "
                        + String.join(", ", List.copyOf(allowed)) + Suggestions.didYouMean(e.key(), allowed));
                ok = false;
            }
        }
        return ok;
    }

    public static Node.MapNode map(Node node, String what, Problems problems) {
        if (node instanceof Node.MapNode m) {
            return m;
        }
        problems.error(node.loc(), what + " must be a mapping, found " + node.describe());
        return null;
    }

    /** A non-empty string, or null (reported). */
    public static String string(Node node, String what, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof String str && !str.isBlank()) {
            return str;
        }
        if (node instanceof Node.Scalar s && (s.value() instanceof Number || s.value() instanceof Boolean)) {
            return String.valueOf(s.value());
        }
        problems.error(node.loc(), what + " must be text, found " + node.describe());
        return null;
    }

    /** A string matching {@code pattern}, or null (reported). */
    public static String id(Node node, Pattern pattern, String what, Problems problems) {
        String s = string(node, what, problems);
        if (s != null && !pattern.matcher(s).matches()) {
            problems.error(node.loc(), "bad " + what + " \"" + s + "\": use letters, digits, _ and -");
            return null;
        }
        return s;
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} (reported). */
    public static long integer(Node node, long min, long max, String what, long fallback, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof Long l && l >= min && l <= max) {
            return l;
        }
        problems.error(node.loc(), what + " must be a whole number from " + min + " to " + max + ", found "
                + node.describe());
        return fallback;
    }

    /** A number {@code >= 0}, or NaN (reported). */
    public static double nonNegative(Node node, String what, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof Number n && n.doubleValue() >= 0
                && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        problems.error(node.loc(), what + " must be a number of 0 or more, found " + node.describe());
        return Double.NaN;
    }

    public static boolean bool(Node node, String what, boolean fallback, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof Boolean b) {
            return b;
        }
        problems.error(node.loc(), what + " must be true or false, found " + node.describe());
        return fallback;
    }
}
