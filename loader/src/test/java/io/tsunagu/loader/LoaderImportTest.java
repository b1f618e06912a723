package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.server.testing.Http;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestClient;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code loader import} and {@code loader history} against a real Redis (and a real server where it matters). */
class LoaderImportTest {

    static final Charset CP932 = Charset.forName("windows-31j");
    static final String FEEDS = """
            feeds:
              customers:
                kind: attributes
                file: "customers_*.csv"
                id: member_id
                columns:
                  member_rank: { from: rank }
                  birth_year:  { from: birth_year, type: int }
                  region:      { from: pref }
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
                  product_id: { from: item_code }
                  brand:      { from: brand }
                  amount:     { from: amount, type: decimal }
                max_bad_rows: 1%
              visits:
                kind: events
                event: store_visit
                file: "visits_*.csv"
                id: member_id
                time: { from: visited_at }
                key: visit_id
                columns:
                  store_id: { from: store }
              catalog:
                kind: catalog
                file: "products_*.csv"
                id: product_id
            """;

    static TestClient client;
    static Redis redis;
    String prefix;
    Path dir;
    RedisProfileStore store;
    String out;
    String err;

    @BeforeAll
    static void connect() {
        client = new TestClient();
        redis = client.redis;
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        prefix = TestRedis.prefix();
        dir = TestRedis.tempDir("tsunagu-loader");
        Files.writeString(dir.resolve("feeds.yaml"), FEEDS);
        store = client.store(prefix);
    }

    int loader(String... args) {
        // the command first, options anywhere after it
        LoaderRun r = LoaderRun.run(dir.resolve("feeds.yaml"), prefix, args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    Path write(String name, String text, Charset charset) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, text.getBytes(charset));
        return p;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static <T> T awaitUnchecked(Future<T> f) {
        try {
            return await(f);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Profile profile(String id) throws Exception {
        return await(store.load(id));
    }

    long keysOf(String pid) throws Exception {
        Response r = await(redis.send(Request.cmd(Command.KEYS).arg(prefix + ":{" + pid + "}*")));
        return r.size();
    }

    static String pos(int lines, int badAmounts) {
        StringBuilder sb = new StringBuilder("receipt_no,line_no,member_id,purchased_at,store_code,item_code,brand,amount\r\n");
        for (int i = 0; i < lines; i++) {
            String amount = i < badAmounts ? "12O0" : Integer.toString(1000 + i);
            sb.append("R").append(i / 3).append(',').append(i % 3 + 1).append(",M-").append(i % 7).append(",2026/11/20 1")
                    .append(i % 10).append(":30:00,渋谷店,P-").append(i).append(",花鳥風月,").append(amount).append("\r\n");
        }
        return sb.toString();
    }

    // ---- kinds ---------------------------------------------------------------------------------

    @Test
    void shiftJisPosFile_becomesPurchasesOnEachMembersTimeline() throws Exception {
        Path file = write("pos_2026-11-20.csv", pos(21, 0), CP932);
        assertEquals(0, loader("import", "pos", file.toString()), err + out);
        assertTrue(out.contains("imported") && out.contains("21 rows read, 21 applied, 0 duplicate, 0 rejected"), out);

        Profile m0 = profile("M-0");
        Event[] purchases = m0.events("purchase");
        assertEquals(3, purchases.length, "rows 0, 7 and 14 are M-0's");
        Event first = purchases[0];
        assertEquals("pos:R0:1", first.id());
        assertEquals("花鳥風月", first.prop("brand"));
        assertEquals("渋谷店", first.prop("store_id"));
        assertEquals("store", first.prop("channel"));
        assertEquals(1000.0, ((Number) first.prop("amount")).doubleValue());
        assertEquals(ZonedDateTime.of(2026, 11, 20, 10, 30, 0, 0, ZoneId.of("Asia/Tokyo")).toInstant().toEpochMilli(),
                first.ts(), "the time is Tokyo time");
        assertEquals(3, Math.round(purchases(m0)));
    }

    @Test
    void customersFile_setsAttributes_andAnEmptyCellClearsOne() throws Exception {
        Path day1 = write("customers_1.csv", "\uFEFFmember_id,rank,birth_year,pref\nM-1,gold,1985,東京都\nM-2,silver,,大阪府\n",
                StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "customers", day1.toString()), err + out);
        assertEquals(Map.of("member_rank", "gold", "birth_year", 1985L, "region", "東京都"), profile("M-1").attributes());
        assertEquals(Map.of("member_rank", "silver", "region", "大阪府"), profile("M-2").attributes());

        Path day2 = write("customers_2.csv", "member_id,rank,birth_year,pref\nM-1,,1985,東京都\n", StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "customers", day2.toString()), err + out);
        assertEquals(Map.of("birth_year", 1985L, "region", "東京都"), profile("M-1").attributes(),
                "the latest row has no rank: the rank is gone");
    }

    @Test
    void catalogFile_storesProducts() throws Exception {
        Path file = write("products_1.csv", "product_id,name,brand,category,price,launched_at\n"
                + "P-1,\"Linen shirt, white\",kumo,shirts,4900,2026-10-01\n", StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "catalog", file.toString()), err + out);
        Response p = await(redis.send(Request.cmd(Command.HGET).arg(prefix + ":catalog").arg("P-1")));
        assertEquals(Map.of("id", "P-1", "name", "Linen shirt, white", "brand", "kumo", "category", "shirts",
                "price", 4900L, "launched_at", "2026-10-01"), EventCodec.decodeValue(p.toString()));
    }

    // ---- a bad file changes nothing --------------------------------------------------------------

    @Test
    void aMissingColumn_rejectsTheWholeFile_andWritesNothing() throws Exception {
        Path file = write("pos_bad.csv", pos(10, 0).replaceFirst(",amount", ",amt"), CP932);
        assertEquals(1, loader("import", "pos", file.toString()));
        assertTrue(out.contains("rejected") && out.contains("missing column amount"), out);
        assertEquals(0, keysOf("M-0"), "nothing written");
    }

    @Test
    void aFileInTheWrongEncoding_isRejected() throws Exception {
        // The visits feed is UTF-8; this export came out of a Windows tool in CP932.
        Path file = write("visits_sjis.csv", "visit_id,member_id,visited_at,store\nV1,M-1,2026-11-20T10:00:00Z,渋谷店\n",
                CP932);
        assertEquals(1, loader("import", "visits", file.toString()));
        assertTrue(out.contains("rejected") && out.contains("bytes that are not valid UTF-8"), out);
        assertEquals(0, keysOf("M-1"));
    }

    @Test
    void moreBadRowsThanAllowed_rejectsTheWholeFile() throws Exception {
        Path file = write("pos_many_bad.csv", pos(100, 2), CP932); // 2% bad, the feed allows 1%
        assertEquals(1, loader("import", "pos", file.toString()));
        assertTrue(out.contains("rejected") && out.contains("2 of 100 rows are bad"), out);
        assertEquals(0, keysOf("M-0"), "not even the good rows");
        assertEquals(0, keysOf("M-5"));
        String errors = Files.readString(dir.resolve("pos_many_bad.csv.errors.csv"));
        assertTrue(errors.startsWith("line,column,value,reason\n2,amount,12O0,not a number\n"), errors);
    }

    @Test
    void aRecordThatCannotBeRead_afterBadRows_rejectsTheFile_andItsErrorsFileSaysWhy() throws Exception {
        // Regression: the errors file held only the bad rows before the record, so the watch daemon's
        // rejected/NAME.errors.csv did not say why the whole file was rejected.
        Path file = write("pos_cut.csv", pos(5, 1) + "R9,1,M-1,\"2026/11/20 10:30:00,渋谷店,P-9,花鳥風月,1000\r\n", CP932);
        assertEquals(1, loader("import", "pos", file.toString()));
        assertTrue(out.contains("rejected") && out.contains("line 7: a quoted field is not closed"), out);
        assertEquals(0, keysOf("M-1"), "nothing written");
        List<String> errors = Files.readAllLines(dir.resolve("pos_cut.csv.errors.csv"));
        assertEquals(3, errors.size(), errors.toString());
        assertEquals("2,amount,12O0,not a number", errors.get(1));
        assertTrue(errors.get(2).startsWith(",,,pos_cut.csv line 7: a quoted field is not closed"), errors.get(2));
        assertTrue(out.contains("pos_cut.csv.errors.csv"), "the summary names it: " + out);
    }

    @Test
    void anErrorsFileOfAnEarlierRun_isRemoved_whenTheFileIsCheckedAgain() throws Exception {
        Path file = write("pos_again.csv", pos(200, 1), CP932);
        assertEquals(0, loader("import", "pos", file.toString()), out);
        Path errors = dir.resolve("pos_again.csv.errors.csv");
        assertTrue(Files.exists(errors));
        // The next export of the same name comes with a broken header: its rejection is not about line 2.
        write("pos_again.csv", pos(10, 0).replaceFirst(",amount", ",amt"), CP932);
        assertEquals(1, loader("import", "pos", file.toString()));
        assertTrue(out.contains("missing column amount"), out);
        assertFalse(Files.exists(errors), "the earlier run's bad rows are not this run's");
    }

    @Test
    void badRowsWithinTheLimit_goToTheErrorsFile_andTheRestIsApplied() throws Exception {
        Path file = write("pos_one_bad.csv", pos(200, 1), CP932);
        assertEquals(0, loader("import", "pos", file.toString()), out);
        assertTrue(out.contains("200 rows read, 199 applied, 0 duplicate, 1 rejected"), out);
        assertTrue(out.contains("line 2, column amount: not a number"), out);
        assertFalse(out.contains("12O0"), "values stay in the errors file, out of logs: " + out);
        List<String> errors = Files.readAllLines(dir.resolve("pos_one_bad.csv.errors.csv"));
        assertEquals(List.of("line,column,value,reason", "2,amount,12O0,not a number"), errors);
    }

    @Test
    void aRowWithFewerOrMoreCellsThanTheHeader_isABadRow_andClearsNothing() throws Exception {
        Path day1 = write("customers_cells1.csv", "member_id,rank,birth_year,pref\nM-1,gold,1985,東京都\n", StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "customers", day1.toString()), err + out);
        // Regression: a cut-off row cleared the attributes it had no cells for, and an unquoted comma
        // shifted the cells after it (the extra one was dropped).
        Files.writeString(dir.resolve("feeds.yaml"), FEEDS.replace("      region:      { from: pref }\n",
                "      region:      { from: pref }\n    max_bad_rows: 10\n"));
        Path day2 = write("customers_cells2.csv", "member_id,rank,birth_year,pref\nM-1,silver\nM-2,gold,1,985,東京都\n"
                + "M-3,bronze,1990,大阪府,\n", StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "customers", day2.toString()), err + out);
        assertTrue(out.contains("3 rows read, 1 applied, 0 duplicate, 2 rejected"), out);
        assertTrue(out.contains("line 2, column birth_year: the row has 2 cells, the header 4"), out);
        assertTrue(out.contains("line 3: the row has 5 cells, the header 4"), out);
        assertEquals(Map.of("member_rank", "gold", "birth_year", 1985L, "region", "東京都"), profile("M-1").attributes(),
                "the cut-off row changed nothing");
        assertEquals(0, keysOf("M-2"));
        assertEquals(Map.of("member_rank", "bronze", "birth_year", 1990L, "region", "大阪府"), profile("M-3").attributes(),
                "an empty cell after the last column (a trailing delimiter) is fine");
    }

    @Test
    void aColumnTwiceInTheHeader_rejectsTheFile() throws Exception {
        // Regression: the first of the two was read, silently.
        Path file = write("customers_dup.csv", "member_id,rank,birth_year,pref,rank\nM-1,gold,1985,東京都,silver\n",
                StandardCharsets.UTF_8);
        assertEquals(1, loader("import", "customers", file.toString()));
        assertTrue(out.contains("rejected") && out.contains("customers_dup.csv line 1: column rank appears twice in the header"),
                out);
        assertEquals(0, keysOf("M-1"));
        Path unused = write("customers_dup_unused.csv", "member_id,rank,birth_year,pref,note,note\nM-1,gold,1985,東京都,,\n",
                StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "customers", unused.toString()), out);
    }

    @Test
    void aFileWithoutItsHeader_isRejected_withoutItsFirstRowInTheSummaryOrHistory() throws Exception {
        // Regression: the summary, the watch log and the history quoted the whole first line, personal data included.
        Path file = write("customers_noheader.csv", "\n\nM-1,gold,1985,taro@example.com\nM-2,silver,1990,hana@example.com\n",
                StandardCharsets.UTF_8);
        assertEquals(1, loader("import", "customers", file.toString()));
        assertTrue(out.contains("rejected") && out.contains("customers_noheader.csv line 3: missing columns member_id, rank, "
                + "birth_year, pref (feed customers)"), out);
        assertFalse(out.contains("taro@example.com"), out);
        assertEquals(0, loader("history"));
        assertFalse(out.contains("taro@example.com"), out);

        Path typo = write("customers_typo.csv", "member_id,rnak,birth_year,pref\nM-1,gold,1985,東京都\n", StandardCharsets.UTF_8);
        assertEquals(1, loader("import", "customers", typo.toString()));
        assertTrue(out.contains("missing column rank (feed customers)") && out.contains("did you mean \"rnak\"?"), out);
    }

    @Test
    void aMissingFile_saysSo() throws Exception {
        Path missing = dir.resolve("customers_missing.csv");
        assertEquals(1, loader("import", "customers", missing.toString()));
        assertTrue(out.contains("rejected") && out.contains("cannot read " + missing + ": no such file"), out);
        assertEquals(1, loader("import", "customers", "/"));
        assertTrue(out.contains("cannot read /: Is a directory"), out + err);
    }

    // ---- nothing counts twice ------------------------------------------------------------------

    @Test
    void theSameFileTwice_isSkipped_andForcedCountsNothingTwice() throws Exception {
        Path file = write("pos_twice.csv", pos(30, 0), CP932);
        assertEquals(0, loader("import", "pos", file.toString()));
        double spend = spend("M-3");

        Path copy = Files.copy(file, dir.resolve("pos_twice_again.csv"));
        assertEquals(0, loader("import", "pos", copy.toString()));
        assertTrue(out.contains("skipped") && out.contains("already imported"), out);

        assertEquals(0, loader("import", "--force", "pos", file.toString()));
        assertTrue(out.contains("30 rows read, 0 applied, 30 duplicate"), out);
        assertEquals(spend, spend("M-3"), "the forced import counted nothing again");
        assertEquals(4, profile("M-3").events("purchase").length, "rows 3, 10, 17 and 24");

        assertEquals(0, loader("history"));
        String[] lines = out.split("\n");
        assertTrue(lines[1].contains("imported") && lines[1].contains("pos_twice.csv"), out);
        assertTrue(lines[2].contains("skipped") && lines[2].contains("pos_twice_again.csv"), out);
        assertTrue(lines[3].contains("imported") && lines[3].contains("pos_twice.csv"), out);
    }

    double spend(String member) throws Exception {
        return spend(profile(member));
    }

    /** All the amounts a profile's purchases add up to: the kept ones plus the trimmed ones the aggregates hold. */
    static double spend(Profile p) {
        double s = 0;
        for (Event e : p.events("purchase")) {
            s += ((Number) e.prop("amount")).doubleValue();
        }
        var trimmed = p.aggregates().sum("purchase", "amount");
        return s + (trimmed == null ? 0 : trimmed.sum(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    /** How many purchases a profile has stored: kept plus trimmed. */
    static double purchases(Profile p) {
        var trimmed = p.aggregates().count("purchase");
        return p.events("purchase").length + (trimmed == null ? 0 : trimmed.sum(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void anInterruptedImport_runAgain_countsEachRowOnce() throws Exception {
        // What a crash leaves: the first rows applied. The file is then imported whole.
        String all = pos(60, 0);
        String firstPart = all.substring(0, all.indexOf("R10,"));
        Path partial = write("pos_crash_part.csv", firstPart, CP932);
        assertEquals(0, loader("import", "pos", partial.toString()));
        Path file = write("pos_crash.csv", all, CP932);
        assertEquals(0, loader("import", "pos", file.toString()));
        assertTrue(out.contains("60 rows read, 30 applied, 30 duplicate"), out);

        // Same as one clean import into another prefix.
        String cleanPrefix = TestRedis.prefix();
        RedisProfileStore clean = client.store(cleanPrefix);
        String before = prefix;
        prefix = cleanPrefix;
        assertEquals(0, loader("import", "pos", file.toString()));
        prefix = before;
        for (int m = 0; m < 7; m++) {
            Profile a = profile("M-" + m);
            Profile b = await(clean.load("M-" + m));
            assertEquals(describe(b.events("purchase")), describe(a.events("purchase")));
            assertEquals(spend(b), spend(a));
        }
    }

    @Test
    void aFileBeyondTheMemoryBudget_isOrderedThroughTemporaryFiles_andStoresTheSame() throws Exception {
        // 7 members, ~570 rows each: more than one script call takes of a member (Importer.MAX_PROFILE_EVENTS).
        Path file = write("pos_big.csv", pos(4_000, 0), CP932);
        Path temp = Files.createDirectories(dir.resolve("order-temp"));
        io.tsunagu.loader.feed.Feed feed = io.tsunagu.loader.feed.FeedsLoader.parse("feeds.yaml", FEEDS).get("pos");
        var policy = io.tsunagu.rules.profile.ProfilePolicy.DEFAULT;
        await(store.prepare());
        ImportRun small = new Importer(store, policy, new ImportHistory(store), 50_000, temp)
                .run(feed, file, false, dir.resolve("pos_big.errors.csv"), Importer.Progress.NONE);
        assertEquals(ImportRun.IMPORTED, small.status());
        assertEquals(4_000, small.applied());
        try (var left = Files.list(temp)) {
            assertEquals(0, left.count(), "the runs are deleted");
        }

        RedisProfileStore whole = client.store(TestRedis.prefix());
        await(whole.prepare());
        ImportRun inMemory = new Importer(whole, policy, new ImportHistory(whole))
                .run(feed, file, false, dir.resolve("pos_big.errors.csv"), Importer.Progress.NONE);
        assertEquals(4_000, inMemory.applied());
        for (int m = 0; m < 7; m++) {
            Profile a = profile("M-" + m);
            Profile b = await(whole.load("M-" + m));
            assertEquals(describe(b.events("purchase")), describe(a.events("purchase")));
            assertEquals(spend(b), spend(a));
            assertEquals(purchases(b), purchases(a));
            // Every line once, kept or trimmed into the aggregates: line i is M-(i % 7)'s, amount 1000 + i.
            double lines = 0;
            double amounts = 0;
            for (int i = m; i < 4_000; i += 7) {
                lines++;
                amounts += 1000 + i;
            }
            assertEquals(lines, purchases(a), "M-" + m);
            assertEquals(amounts, spend(a), "M-" + m);
        }

        // A file rejected for its bad rows after runs were written leaves none behind either.
        Path bad = write("pos_bad_big.csv", pos(4_000, 100), CP932);
        ImportRun rejected = new Importer(store, policy, new ImportHistory(store), 50_000, temp)
                .run(feed, bad, false, dir.resolve("pos_bad_big.errors.csv"), Importer.Progress.NONE);
        assertEquals(ImportRun.REJECTED, rejected.status());
        try (var left = Files.list(temp)) {
            assertEquals(0, left.count());
        }
    }

    static List<String> describe(Event[] events) {
        return java.util.Arrays.stream(events).map(e -> e.id() + "@" + e.ts() + e.props()).toList();
    }

    @Test
    void progress_isReportedForBothPasses() throws Exception {
        Path file = write("pos_progress.csv", pos(20_000, 0), CP932);
        List<String> seen = new ArrayList<>();
        Importer importer = new Importer(store, io.tsunagu.rules.profile.ProfilePolicy.DEFAULT, new ImportHistory(store));
        await(store.prepare());
        ImportRun run = importer.run(io.tsunagu.loader.feed.FeedsLoader.parse("feeds.yaml", FEEDS).get("pos"), file, false,
                dir.resolve("pos_progress.errors.csv"), (f, rows, bytes, total, started) -> seen.add(f + " " + rows));
        assertEquals(ImportRun.IMPORTED, run.status());
        assertTrue(seen.stream().anyMatch(l -> l.startsWith("pos_progress.csv (checking) ")), seen.toString());
        assertTrue(seen.contains("pos_progress.csv (importing) 20000"), "the last update: every row: " + seen);
    }

    // ---- setup errors --------------------------------------------------------------------------

    @Test
    void anUnknownFeed_orABadFeedsFile_exitsWithTwo() throws Exception {
        Path file = write("pos_x.csv", pos(3, 0), CP932);
        assertEquals(2, loader("import", "poss", file.toString()));
        assertTrue(err.contains("no feed \"poss\"") && err.contains("pos"), err);
        Files.writeString(dir.resolve("feeds.yaml"), "feeds:\n  pos:\n    kind: events\n    file: x\n    id: m\n");
        assertEquals(2, loader("import", "pos", file.toString()));
        assertTrue(err.contains("feeds.yaml:3:5") && err.contains("needs event"), err);
    }

    @Test
    void badOptions_areNamed_withExitTwo() {
        assertEquals(2, loader("history", "--limit", "lots"));
        assertTrue(err.contains("--limit takes a number from 1 to 10000"), err);
        assertEquals(2, loader("watch", dir.toString(), "--settle", "soon"));
        assertTrue(err.contains("--settle and --interval take durations"), err);
        assertEquals(2, loader("import", "pos"));
        assertTrue(err.contains("give a feed and at least one file"), err);
        assertEquals(2, loader("import", "--bogus", "pos", "x.csv"));
        assertTrue(err.contains("unknown option --bogus"), err);
    }

    @Test
    void anUnreachableRedis_isASetupError_withoutItsPassword() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = new LoaderCli(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
                Map.of("TSUNAGU_REDIS_URL", "redis://:s3cret-pass@127.0.0.1:1")).run(new String[] {"history"});
        String err = e.toString(StandardCharsets.UTF_8);
        assertEquals(2, code);
        assertTrue(err.contains("cannot reach Redis at redis://***@127.0.0.1:1"), err);
        assertFalse(err.contains("s3cret"), err);
    }

    // ---- servers see imports -------------------------------------------------------------------

    @Test
    void aRunningServer_seesAnImportedStoreVisit_withinOneSecond() throws Exception {
        try (ServerHarness server = ServerHarness.start(TestRedis.shared().url(), prefix, ServerHarness.copyOfExampleRules(),
                Map.of())) {
            String uid = "M-3001";
            String body = "{\"vid\":\"V-3001\",\"uid\":\"" + uid + "\",\"uid_sig\":\"" + server.sign(uid)
                    + "\",\"page\":{\"type\":\"home\"},\"slots\":[\"hero\"]}";
            assertFalse(hero(server, body).equals("shibuya-store-coupon"), "no visit yet (and the profile is now cached)");

            String yesterday = java.time.Instant.now().minus(java.time.Duration.ofDays(1)).toString();
            Path visits = write("visits_1.csv", "visit_id,member_id,visited_at,store\nV1," + uid + "," + yesterday
                    + ",shibuya\n", StandardCharsets.UTF_8);
            assertEquals(0, loader("import", "visits", visits.toString()), out + err);
            long ms = Http.within(1_000, "the server showing the Shibuya coupon",
                    () -> hero(server, body).equals("shibuya-store-coupon"));
            assertTrue(ms <= 1_000);

            JsonNode imports = Http.json(server.get("/admin/v1/imports", ServerHarness.ADMIN).body()).get("imports");
            assertEquals("visits_1.csv", imports.get(0).get("file").asText());
            assertEquals("imported", imports.get(0).get("status").asText());
            assertEquals(1, imports.get(0).get("rows_applied").asInt());
            assertEquals(401, server.get("/admin/v1/imports", null).statusCode());
        }
    }

    @Test
    void importedAttributesAndEvents_showInTheServersProfileApi() throws Exception {
        try (ServerHarness server = ServerHarness.start(TestRedis.shared().url(), prefix, ServerHarness.copyOfExampleRules(),
                Map.of())) {
            Path customers = write("customers_1.csv", "member_id,rank,birth_year,pref\nM-0,gold,1990,東京都\n",
                    StandardCharsets.UTF_8);
            Path pos = write("pos_1.csv", pos(7, 0), CP932);
            assertEquals(0, loader("import", "customers", customers.toString()), out);
            assertEquals(0, loader("import", "pos", pos.toString()), out);

            JsonNode p = Http.json(server.get("/admin/v1/profiles/M-0", ServerHarness.ADMIN).body());
            assertEquals("gold", p.get("attributes").get("member_rank").asText());
            assertEquals(1990, p.get("attributes").get("birth_year").asInt());
            JsonNode event = p.get("events").get(0);
            assertEquals("purchase", event.get("type").asText());
            assertEquals("花鳥風月", event.get("props").get("brand").asText());
            assertEquals("pos:R0:1", event.get("id").asText());
            assertTrue(p.get("segments").toString().contains("\"vip\""), "gold members are VIPs: " + p);
            assertEquals(1000, p.get("traits").get("spend_365d").asInt(), "traits read the imported purchases");
        }
    }

    @Test
    void aCatalogImport_refreshesTheServersCatalog_withinOneSecond() throws Exception {
        try (ServerHarness server = ServerHarness.start(TestRedis.shared().url(), prefix, ServerHarness.copyOfExampleRules(),
                Map.of())) {
            assertEquals(0, Http.json(server.get("/admin/v1/catalog", ServerHarness.ADMIN).body()).get("size").asInt());
            Path file = write("products_2.csv", "product_id,name,brand,category,price,launched_at\n"
                    + "P-1,Old shirt,kumo,shirts,4900,2025-04-01\nP-2,New coat,kumo,outerwear,19000,2026-11-01\n"
                    + "P-3,Knit,hoshi,knit,8900,2026-10-01\n", StandardCharsets.UTF_8);
            assertEquals(0, loader("import", "catalog", file.toString()), out);
            long ms = Http.within(1_000, "the server's catalog holding the import", () -> Http.json(
                    server.get("/admin/v1/catalog", ServerHarness.ADMIN).body()).get("size").asInt() == 3);
            assertTrue(ms <= 1_000);
            JsonNode kumo = Http.json(server.get("/admin/v1/catalog?brand=kumo", ServerHarness.ADMIN).body()).get("products");
            assertEquals(List.of("P-2", "P-1"), List.of(kumo.get(0).get("id").asText(), kumo.get(1).get("id").asText()),
                    "newest first");
        }
    }

    static String hero(ServerHarness server, String body) {
        JsonNode r = Http.json(server.post("/v1/decide", body).body());
        for (JsonNode d : r.get("decisions")) {
            if (d.get("slot").asText().equals("hero")) {
                return d.get("campaign").asText();
            }
        }
        return "";
    }

    @Test
    void noRows_isAnEmptyImport_notAnError() throws Exception {
        Path file = write("visits_empty.csv", "visit_id,member_id,visited_at,store\n", StandardCharsets.UTF_8);
        assertEquals(0, loader("import", "visits", file.toString()));
        assertTrue(out.contains("0 rows read"), out);
    }
}
