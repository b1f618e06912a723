package io.tsunagu.loader.feed;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parser for the fixed-width numeric patterns exports use ({@code yyyy/MM/dd HH:mm:ss},
 * {@code yyyy-MM-dd'T'HH:mm:ss.SSS} without quotes, {@code yyyyMMdd}…): digits where the pattern has
 * {@code yyyy MM dd HH mm ss SSS}, any other character as is. A POS export of a million lines spent a
 * sixth of its import in {@link java.time.format.DateTimeFormatter#parseBest}; this reads the digits
 * directly. Anything it does not read exactly — another pattern letter, a value out of range, a
 * different length — is left to the formatter, which also words the error.
 */
final class FastTimestamp {

    private static final Map<String, FastTimestamp> COMPILED = new ConcurrentHashMap<>();
    private static final FastTimestamp NONE = new FastTimestamp(new char[0]);

    /** The pattern, one character per position of the text: a field letter (a digit there) or a literal. */
    private final char[] pattern;

    private FastTimestamp(char[] pattern) {
        this.pattern = pattern;
    }

    /** The parser for {@code format}, or null when the pattern is not one it reads. */
    static FastTimestamp of(String format) {
        FastTimestamp f = COMPILED.computeIfAbsent(format, FastTimestamp::compile);
        return f == NONE ? null : f;
    }

    private static FastTimestamp compile(String format) {
        char[] p = format.toCharArray();
        boolean hasYear = false;
        int i = 0;
        while (i < p.length) {
            char c = p[i];
            if (!Character.isLetter(c)) {
                if (c == '\'') {
                    return NONE; // quoted text: leave it to the formatter
                }
                i++;
                continue;
            }
            int run = 1;
            while (i + run < p.length && p[i + run] == c) {
                run++;
            }
            boolean known = switch (c) {
                case 'y' -> run == 4;
                case 'M', 'd', 'H', 'm', 's' -> run == 2;
                case 'S' -> run == 3;
                default -> false;
            };
            if (!known) {
                return NONE;
            }
            hasYear |= c == 'y';
            i += run;
        }
        return hasYear && format.indexOf('M') >= 0 && format.indexOf('d') >= 0 ? new FastTimestamp(p) : NONE;
    }

    /** Epoch milliseconds of {@code text} in {@code zone}, or null if it does not read it exactly. */
    Long epochMillis(String text, ZoneId zone) {
        if (text.length() != pattern.length) {
            return null;
        }
        int year = 0;
        int month = 0;
        int day = 0;
        int hour = 0;
        int minute = 0;
        int second = 0;
        int milli = 0;
        for (int i = 0; i < pattern.length; i++) {
            char p = pattern[i];
            char c = text.charAt(i);
            if (!Character.isLetter(p)) {
                if (c != p) {
                    return null;
                }
                continue;
            }
            if (c < '0' || c > '9') {
                return null;
            }
            int d = c - '0';
            switch (p) {
                case 'y' -> year = year * 10 + d;
                case 'M' -> month = month * 10 + d;
                case 'd' -> day = day * 10 + d;
                case 'H' -> hour = hour * 10 + d;
                case 'm' -> minute = minute * 10 + d;
                case 's' -> second = second * 10 + d;
                case 'S' -> milli = milli * 10 + d;
                default -> {
                    return null;
                }
            }
        }
        if (year == 0) {
            return null; // no year 0 in yyyy (year of era): the formatter says so
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, milli * 1_000_000).atZone(zone).toInstant()
                    .toEpochMilli();
        } catch (DateTimeException outOfRange) {
            return null;
        }
    }
}
