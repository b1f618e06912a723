package io.tsunagu.loader.feed;

import io.tsunagu.rules.source.Loc;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * One value a row yields: read from a source column ({@code from}) or a constant ({@code value}),
 * converted to its type.
 *
 * @param name     the attribute, property or field it becomes
 * @param from     the source column's header name, or null for a constant
 * @param constant the constant value, when {@code from} is null
 * @param type     how the text is converted
 * @param format   the date or timestamp pattern ({@link DateTimeFormatter}), or null for ISO-8601
 * @param zone     the zone of a timestamp without an offset
 * @param optional whether the column may be missing from the header (its values are then absent)
 * @param required whether an empty value makes the row bad (else the value is absent)
 */
public record Column(String name, String from, Object constant, Type type, String format, ZoneId zone,
        boolean optional, boolean required, Loc loc) {

    public enum Type {
        STRING, INT, DECIMAL, BOOL, DATE, TIMESTAMP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A value that cannot be converted; the message says why, for the errors file, without the value
     * itself (the errors file has it in a column of its own; messages reach logs and the history).
     */
    public static final class BadValue extends Exception {
        public BadValue(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The formatter for a {@code format} pattern. Strict: a day or an hour that does not exist
     * (2024/02/30, 24:00:00) is a bad value, where {@link DateTimeFormatter#ofPattern}'s "smart"
     * resolving would move it to the month's last day or the next midnight. Strict resolving needs the
     * era of a {@code yyyy} year: it defaults to the current one.
     */
    public static DateTimeFormatter formatter(String format) {
        return new DateTimeFormatterBuilder().appendPattern(format).parseDefaulting(ChronoField.ERA, 1).toFormatter()
                .withResolverStyle(ResolverStyle.STRICT);
    }

    /**
     * The typed value of {@code text}: String, Long, Double (decimal), Boolean, a date as
     * {@code yyyy-MM-dd} text, or a timestamp as epoch milliseconds (Long). Null for empty text.
     */
    public Object convert(String text, DateTimeFormatter formatter) throws BadValue {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return null;
        }
        switch (type) {
            case STRING -> {
                return t;
            }
            case INT -> {
                try {
                    return Long.parseLong(withoutThousands(t));
                } catch (NumberFormatException e) {
                    throw new BadValue("not a whole number");
                }
            }
            case DECIMAL -> {
                double d;
                try {
                    d = new BigDecimal(withoutThousands(t)).doubleValue();
                } catch (NumberFormatException e) {
                    throw new BadValue("not a number");
                }
                if (Double.isInfinite(d)) {
                    throw new BadValue("a number too large to store");
                }
                return d;
            }
            case BOOL -> {
                return switch (t.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "y", "1", "t" -> Boolean.TRUE;
                    case "false", "no", "n", "0", "f" -> Boolean.FALSE;
                    default -> throw new BadValue("not true/false, yes/no or 1/0");
                };
            }
            case DATE -> {
                try {
                    LocalDate d = formatter == null ? LocalDate.parse(t) : LocalDate.parse(t, formatter);
                    return d.toString();
                } catch (DateTimeParseException e) {
                    throw new BadValue("not a date" + (format == null ? " (yyyy-MM-dd)" : " like " + format));
                }
            }
            case TIMESTAMP -> {
                return epochMillis(t, formatter);
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    /**
     * The number without its thousands separators; a comma anywhere else (a decimal comma: 1,5) makes
     * it bad rather than a number a thousand times off.
     */
    private static String withoutThousands(String t) throws BadValue {
        int comma = t.indexOf(',');
        if (comma < 0) {
            return t;
        }
        int start = t.charAt(0) == '-' || t.charAt(0) == '+' ? 1 : 0;
        int end = start;
        while (end < t.length() && t.charAt(end) != '.' && t.charAt(end) != 'e' && t.charAt(end) != 'E') {
            end++;
        }
        // The whole part: 1 to 3 digits, then groups of a comma and 3 digits; no comma after it.
        int digits = 0;
        boolean grouped = false;
        for (int i = start; i < end; i++) {
            if (t.charAt(i) == ',') {
                if (digits == 0 || digits > 3 || grouped && digits != 3) {
                    throw new BadValue("a comma that does not separate thousands");
                }
                grouped = true;
                digits = 0;
            } else {
                digits++;
            }
        }
        if (digits != 3 || t.indexOf(',', end) >= 0) {
            throw new BadValue("a comma that does not separate thousands");
        }
        return t.replace(",", "");
    }

    private long epochMillis(String t, DateTimeFormatter formatter) throws BadValue {
        if (formatter != null && format != null) {
            FastTimestamp fast = FastTimestamp.of(format);
            Long ms = fast == null ? null : fast.epochMillis(t, zone);
            if (ms != null) {
                return ms;
            }
        }
        try {
            if (formatter == null) {
                if (t.length() > 10 && (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$"))) {
                    return OffsetDateTime.parse(t).toInstant().toEpochMilli();
                }
                return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
            }
            TemporalAccessor parsed = formatter.parseBest(t, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            if (parsed instanceof OffsetDateTime o) {
                return o.toInstant().toEpochMilli();
            }
            if (parsed instanceof LocalDateTime l) {
                return l.atZone(zone).toInstant().toEpochMilli();
            }
            return ((LocalDate) parsed).atStartOfDay(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadValue("not a time" + (format == null ? " (ISO-8601)" : " like " + format));
        }
    }
}
