package io.tsunagu.rules.source;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * Dates and times in rule files: {@code 2026-12-01} (a whole day), {@code 2026-12-01T10:00} (local
 * time in the given zone) or {@code 2026-12-01T10:00:00+09:00} / {@code …Z} (an instant).
 */
public final class Times {

    private Times() {
    }

    /**
     * Epoch milliseconds of the start of the written moment; for a bare date, the start of that day,
     * or with {@code endOfDay} the start of the next day (so "to: 2026-12-31" includes the 31st).
     *
     * @return the time, or {@link Long#MIN_VALUE} when the text is not a date or time
     */
    public static long parse(String text, ZoneId zone, boolean endOfDay) {
        String t = text.trim();
        try {
            if (t.length() == 10) {
                LocalDate d = LocalDate.parse(t);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(t.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // Not a date, or one so far out (year 300000000) that epoch milliseconds cannot hold it.
            return Long.MIN_VALUE;
        }
    }

    /** Parses a node as a date or time, recording an error naming the bad value when it is not one. */
    public static long parse(Node node, ZoneId zone, boolean endOfDay, String what, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof String text) {
            long t = parse(text, zone, endOfDay);
            if (t != Long.MIN_VALUE) {
                return t;
            }
        }
        problems.error(node.loc(), "bad date " + node.show() + " for " + what
                + ": use 2026-12-01, 2026-12-01T10:00 or 2026-12-01T10:00:00+09:00");
        return Long.MIN_VALUE;
    }

    /** A zone id such as {@code Asia/Tokyo}, or null (with an error) when unknown. */
    public static ZoneId zone(Node node, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof String id) {
            try {
                return ZoneId.of(id);
            } catch (DateTimeException e) {
                // reported below
            }
        }
        problems.error(node.loc(), "unknown time zone " + node.show() + ": use an id such as Asia/Tokyo or UTC");
        return null;
    }

    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
