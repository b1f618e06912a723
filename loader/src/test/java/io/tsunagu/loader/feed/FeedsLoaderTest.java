package io.tsunagu.loader.feed;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedsLoaderTest {

    static final String FEEDS = """
            feeds:
              customers:
                kind: attributes
                file: "customers_*.csv"
                id: member_id
                columns:
                  member_rank: { from: rank }
                  birth_year:  { from: birth_year, type: int }
              pos:
                kind: events
                event: purchase
                file: "pos_*.csv"
                encoding: Shift_JIS
                id: member_id
                time: { from: purchased_at, format: "yyyy/MM/dd HH:mm:ss", zone: Asia/Tokyo }
                key: [receipt_no, line_no]
                columns:
                  channel:    { value: store }
                  store_id:   { from: store_code }
                  amount:     { from: amount, type: decimal }
                max_bad_rows: 1%
              catalog:
                kind: catalog
                file: "products_*.csv"
                id: product_id
            """;

    @Test
    void readsEveryKind() throws Exception {
        Map<String, Feed> feeds = FeedsLoader.parse("feeds.yaml", FEEDS);
        Feed pos = feeds.get("pos");
        assertEquals(Feed.Kind.EVENTS, pos.kind());
        assertEquals("purchase", pos.event());
        assertEquals(ZoneId.of("Asia/Tokyo"), pos.time().zone());
        assertEquals(List.of("receipt_no", "line_no"), pos.key());
        assertEquals("windows-31j", pos.charset().name());
        assertTrue(pos.maxBadRows().allows(10, 1000));
        assertTrue(!pos.maxBadRows().allows(11, 1000));
        assertEquals(List.of("member_id", "purchased_at", "receipt_no", "line_no", "store_code", "amount"),
                pos.requiredColumns());
        assertTrue(pos.matches(Path.of("/in/pos_2026-11-23.csv")));
        assertTrue(!pos.matches(Path.of("/in/customers_2026-11-23.csv")));
        assertEquals(Column.Type.INT, feeds.get("customers").columns().get("birth_year").type());
        assertTrue(feeds.get("catalog").columns().containsKey("launched_at"), "catalog fields by default");
    }

    @Test
    void everyMistake_isReportedWithItsPlace() {
        String bad = """
                feeds:
                  pos:
                    kind: event
                    file: "pos_*.csv"
                    encoding: EBCDIC-42
                    id: member_id
                    columns:
                      amount: { from: amount, type: money }
                    max_bad_rows: lots
                  visits:
                    kind: events
                    event: store_visit
                    file: "visits_*.csv"
                    id: member_id
                    time: { from: at, format: "yyyy/MM/dd HH:mm:ss", zonee: Asia/Tokyo }
                """;
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.parse("feeds.yaml", bad));
        String m = e.getMessage();
        assertTrue(m.contains("feeds.yaml:3:11: feed pos: unknown kind \"event\"") && m.contains("did you mean \"events\""), m);
        assertTrue(m.contains("feeds.yaml:5:15: feed pos: unknown encoding \"EBCDIC-42\""), m);
        assertTrue(m.contains("feeds.yaml:8:37: feed pos: column amount: unknown type \"money\""), m);
        assertTrue(m.contains("feeds.yaml:9:19: feed pos: max_bad_rows must be a count"), m);
        assertTrue(m.contains("feeds.yaml:15:") && m.contains("unknown key \"zonee\""), m);
        assertEquals(5, e.problems().size(), m);
    }

    @Test
    void eventsFeeds_needAnEventTypeAndATime() {
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.parse("f.yaml", """
                feeds:
                  visits:
                    kind: events
                    file: "visits_*.csv"
                    id: member_id
                """));
        assertTrue(e.getMessage().contains("needs event"), e.getMessage());
        assertTrue(e.getMessage().contains("needs a time"), e.getMessage());
    }

    @Test
    void anIdOrATime_thatIsAConstant_isAMistake() {
        // Regression: a constant id reached the import as a null column name ("FILE: null", exit 1).
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.parse("f.yaml", """
                feeds:
                  visits:
                    kind: events
                    event: store_visit
                    file: "visits_*.csv"
                    id: { value: M-1 }
                    time: { value: 2026-01-01 }
                """));
        assertTrue(e.getMessage().contains("f.yaml:6:9: feed visits: id must name a column"), e.getMessage());
        assertTrue(e.getMessage().contains("f.yaml:7:11: feed visits: time must name a column"), e.getMessage());
    }

    @Test
    void aTimeOfAnotherType_isAMistake() {
        // Regression: "type: string" made every row a ClassCastException, reported as the import's failure.
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.parse("f.yaml", """
                feeds:
                  visits:
                    kind: events
                    event: store_visit
                    file: "visits_*.csv"
                    id: member_id
                    time: { from: at, type: string }
                """));
        assertTrue(e.getMessage().contains("f.yaml:7:29: feed visits: time: the type of a time is timestamp"), e.getMessage());
        assertDoesNotThrow(() -> FeedsLoader.parse("f.yaml", """
                feeds:
                  visits:
                    kind: events
                    event: store_visit
                    file: "visits_*.csv"
                    id: member_id
                    time: { from: at, type: timestamp }
                """));
    }

    @Test
    void aDelimiterOrQuoteThatCannotSplitRows_isAMistake() {
        // Regression: a line break as the delimiter read the whole file as its header.
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.parse("f.yaml", """
                feeds:
                  a:
                    kind: attributes
                    file: "a_*.csv"
                    id: member_id
                    delimiter: "\\n"
                  b:
                    kind: attributes
                    file: "b_*.csv"
                    id: member_id
                    delimiter: "'"
                    quote: "'"
                """));
        assertTrue(e.getMessage().contains("f.yaml:6:16: feed a: delimiter cannot be a line break"), e.getMessage());
        assertTrue(e.getMessage().contains("f.yaml:12:12: feed b: quote must differ from the delimiter"), e.getMessage());
    }

    @Test
    void anEmptyFeedsFile_isAMistake() {
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.parse("f.yaml", "# nothing yet\n"));
        assertTrue(e.getMessage().contains("f.yaml:1:1: the feeds file is empty"), e.getMessage());
    }

    @Test
    void aFeedsFileNotInUtf8_isNamedWithItsLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("feeds.yaml");
        java.nio.file.Files.write(f, "feeds:\n  a:\n    file: \"caf\u00e9\"\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        FeedsLoader.FeedsException e = assertThrows(FeedsLoader.FeedsException.class, () -> FeedsLoader.load(f));
        assertTrue(e.getMessage().contains(f + ":3:15: not valid UTF-8"), e.getMessage());
    }
}
