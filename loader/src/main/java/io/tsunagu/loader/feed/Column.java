package io.tsunagu.loader.feed;

import io.tsunagu.rules.source.Loc;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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
                    return Long.parseLong(t.replace(",", ""));
                } catch (NumberFormatException e) {
                    throw new BadValue("not a whole number");
                }
            }
            case DECIMAL -> {
                try {
                    return new BigDecimal(t.replace(",", "")).doubleValue();
                } catch (NumberFormatException e) {
                    throw new BadValue("not a number");
                }
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
