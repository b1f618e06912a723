package io.tsunagu.rules.source;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as marketers write them: {@code 90s}, {@code 15m}, {@code 12h}, {@code 30d}, {@code 2w}. */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d|w)");

    private Durations() {
    }

    /** Milliseconds, or -1 (with an error recorded) when the node is not a valid duration. */
    public static long parse(Node node, String what, Problems problems) {
        String text = node instanceof Node.Scalar s && s.value() != null ? String.valueOf(s.value()) : null;
        long ms = text == null ? -1 : parse(text);
        if (ms <= 0) {
            problems.error(node.loc(), "bad duration " + (text == null ? node.describe() : "\"" + text + "\"")
                    + " for " + what + ": use a number and a unit, e.g. 90s, 15m, 12h, 30d, 2w");
            return -1;
        }
        return ms;
    }

    /** Milliseconds, or -1 when {@code text} is not a duration. */
    public static long parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000L;
            case "m" -> n * 60_000L;
            case "h" -> n * 3_600_000L;
            case "d" -> n * 86_400_000L;
            default -> n * 7 * 86_400_000L;
        };
    }

    /** The shortest way to write {@code ms} back ("30d", "12h"). */
    public static String format(long ms) {
        long[] units = {7 * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"w", "d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
