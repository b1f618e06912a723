package io.tsunagu.loader.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FastTimestampTest {

    static final List<String> PATTERNS = List.of("yyyy/MM/dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSS", "yyyyMMddHHmmss",
            "yyyy-MM-dd", "dd.MM.yyyy HH:mm");
    static final List<ZoneId> ZONES = List.of(ZoneId.of("Asia/Tokyo"), ZoneId.of("Europe/Berlin"), ZoneId.of("UTC"));

    /** What the formatter path reads, or null where it rejects the text. */
    static Long viaFormatter(String text, String pattern, ZoneId zone) {
        try {
            TemporalAccessor t = DateTimeFormatter.ofPattern(pattern).parseBest(text, LocalDateTime::from, LocalDate::from);
            return t instanceof LocalDateTime l ? l.atZone(zone).toInstant().toEpochMilli()
                    : ((LocalDate) t).atStartOfDay(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void readsWhatTheFormatterReads_includingDaylightSavingGapsAndOverlaps() {
        Random r = new Random(5);
        int fast = 0;
        for (int n = 0; n < 20_000; n++) {
            String pattern = PATTERNS.get(r.nextInt(PATTERNS.size()));
            ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
            // Around Berlin's switches too (last Sundays of March and October, 02:00–03:00).
            LocalDateTime t = n % 10 == 0
                    ? LocalDateTime.of(2026, r.nextBoolean() ? 3 : 10, r.nextBoolean() ? 29 : 25, 2, r.nextInt(60), r.nextInt(60))
                    : LocalDateTime.of(1990 + r.nextInt(50), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60),
                            r.nextInt(60), r.nextInt(1000) * 1_000_000);
            String text = DateTimeFormatter.ofPattern(pattern).format(t);
            Long got = FastTimestamp.of(pattern).epochMillis(text, zone);
            assertEquals(viaFormatter(text, pattern, zone), got, pattern + " " + text + " " + zone);
            fast += got != null ? 1 : 0;
        }
        assertEquals(20_000, fast, "every well-formed value is read without the formatter");
    }

    @Test
    void leavesToTheFormatterWhatItDoesNotReadExactly() {
        FastTimestamp f = FastTimestamp.of("yyyy/MM/dd HH:mm:ss");
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        for (String odd : List.of("2026/02/30 10:00:00", "2026/13/01 10:00:00", "2026/11/20 24:00:00", "2026-11-20 10:00:00",
                "2026/11/20 10:00", "2026/11/2a 10:00:00", "0000/01/01 00:00:00", "")) {
            assertNull(f.epochMillis(odd, tokyo), odd);
        }
        assertNull(FastTimestamp.of("yyyy/M/d H:mm"), "single-letter fields vary in width");
        assertNull(FastTimestamp.of("yyyy-MM-dd'T'HH:mm"), "quoted text");
        assertNull(FastTimestamp.of("uuuu-MM-dd"), "other letters");
        assertNotNull(FastTimestamp.of("yyyyMMdd"));
    }
}
