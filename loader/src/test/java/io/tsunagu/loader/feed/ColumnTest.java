package io.tsunagu.loader.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsunagu.rules.source.Loc;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class ColumnTest {

    static Column column(Column.Type type, String format) {
        return new Column("c", "c", null, type, format, ZoneOffset.UTC, false, false, Loc.NONE);
    }

    static Object convert(Column c, String text) throws Column.BadValue {
        DateTimeFormatter f = c.format() == null ? null : Column.formatter(c.format());
        return c.convert(text, f);
    }

    static long utc(int y, int mo, int d, int h, int mi) {
        return LocalDateTime.of(y, mo, d, h, mi).atZone(ZoneId.of("UTC")).toInstant().toEpochMilli();
    }

    @Test
    void aDayThatDoesNotExist_isBad_notMovedToTheMonthsEnd() throws Exception {
        // Regression: with a format, 2024/02/30 was read as 2024-02-29 (the formatter's "smart" resolving).
        Column date = column(Column.Type.DATE, "yyyy/MM/dd");
        assertEquals("2024-02-29", convert(date, "2024/02/29"));
        assertThrows(Column.BadValue.class, () -> convert(date, "2024/02/30"));
        assertThrows(Column.BadValue.class, () -> convert(date, "2023/02/29"));
        Column time = column(Column.Type.TIMESTAMP, "yyyy/MM/dd HH:mm:ss");
        assertEquals(utc(2026, 2, 28, 10, 0), convert(time, "2026/02/28 10:00:00"));
        assertThrows(Column.BadValue.class, () -> convert(time, "2026/02/30 10:00:00"));
        assertThrows(Column.BadValue.class, () -> convert(time, "2026/01/01 24:00:00"), "not the next day's midnight");
        assertThrows(Column.BadValue.class, () -> convert(time, "2026/1/1 9:00:00"), "the slow path is as strict");
    }

    @Test
    void otherPatterns_stillRead() throws Exception {
        assertEquals(utc(2026, 2, 8, 0, 0), convert(column(Column.Type.TIMESTAMP, "yy/M/d"), "26/2/8"));
        assertEquals(utc(2026, 1, 5, 15, 4), convert(column(Column.Type.TIMESTAMP, "dd MMM uuuu hh:mm a"),
                "05 Jan 2026 03:04 PM"));
        assertEquals(utc(2026, 1, 5, 3, 4) - 9 * 3_600_000L,
                convert(column(Column.Type.TIMESTAMP, "yyyy-MM-dd'T'HH:mmXXX"), "2026-01-05T03:04+09:00"));
        assertEquals("2026-01-05", convert(column(Column.Type.DATE, "yyyyMMdd"), "20260105"));
    }

    @Test
    void aDecimalBeyondTheRangeOfNumbers_isBad_notNull() {
        // Regression: 1e400 became Infinity, stored as null.
        Column d = column(Column.Type.DECIMAL, null);
        assertThrows(Column.BadValue.class, () -> convert(d, "1e400"));
        assertThrows(Column.BadValue.class, () -> convert(d, "-1e400"));
    }

    @Test
    void commas_mustSeparateThousands() throws Exception {
        // Regression: a decimal comma, "1,5", was read as 15.
        Column d = column(Column.Type.DECIMAL, null);
        assertEquals(1234.5, convert(d, "1,234.5"));
        assertEquals(-1234567.0, convert(d, "-1,234,567"));
        assertEquals(150.0, convert(d, "1.5E+2"));
        for (String bad : new String[] {"1,5", "1,50", "12,34.5", "1,2345", ",123", "123,", "1,234.5,6", "1,,234"}) {
            assertThrows(Column.BadValue.class, () -> convert(d, bad), bad);
        }
        Column i = column(Column.Type.INT, null);
        assertEquals(1234567L, convert(i, "1,234,567"));
        assertThrows(Column.BadValue.class, () -> convert(i, "12,34"));
        assertThrows(Column.BadValue.class, () -> convert(i, "99999999999999999999"));
    }
}
