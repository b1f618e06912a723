package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.loader.feed.Feed;
import io.tsunagu.loader.feed.FeedsLoader;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.server.testing.Http;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestClient;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.redis.client.Redis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code loader watch}: complete files are imported in name order, then archived or rejected. */
class WatcherTest {

    static TestClient client;
    static Redis redis;
    Path inbox;
    RedisProfileStore store;
    Map<String, Feed> feeds;
    ByteArrayOutputStream log;

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
    void setUp() throws Exception {
        inbox = TestRedis.tempDir("tsunagu-inbox");
        store = client.store(TestRedis.prefix());
        LoaderImportTest.await(store.prepare());
        feeds = FeedsLoader.parse("feeds.yaml", LoaderImportTest.FEEDS);
        log = new ByteArrayOutputStream();
    }

    Watcher watcher(long settleMs) {
        return new Watcher(inbox, feeds, new Importer(store, ProfilePolicy.DEFAULT, new ImportHistory(store)), settleMs,
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    Path drop(String name, String text, boolean done) throws Exception {
        Path p = Files.writeString(inbox.resolve(name), text);
        if (done) {
            Files.writeString(inbox.resolve(name + ".done"), "");
        }
        return p;
    }

    static final String VISITS = "visit_id,member_id,visited_at,store\nV1,M-1,2026-11-20T10:00:00Z,shibuya\n";

    @Test
    void completeFiles_areImportedInNameOrder_thenArchivedOrRejected() throws Exception {
        Files.createDirectories(inbox.resolve("archive"));
        Files.createDirectories(inbox.resolve("rejected"));
        drop("visits_2026-11-21.csv", VISITS.replace("V1,", "V2,"), true);
        drop("visits_2026-11-20.csv", VISITS, true);
        drop("visits_bad.csv", "visit_id,member,visited_at,store\nV3,M-1,2026-11-20T10:00:00Z,ginza\n", true);
        drop("notes.txt", "hello", true);
        Path growing = drop("visits_2026-11-22.csv", VISITS.replace("V1,", "V4,"), false);

        List<Watcher.Handled> handled = watcher(60_000).poll();

        assertEquals(List.of("notes.txt", "visits_2026-11-20.csv", "visits_2026-11-21.csv", "visits_bad.csv"),
                handled.stream().map(h -> h.file().getFileName().toString()).toList(), "name order; the growing file waits");
        assertTrue(Files.exists(inbox.resolve("archive/visits_2026-11-20.csv")));
        assertTrue(Files.exists(inbox.resolve("archive/visits_2026-11-21.csv")));
        assertTrue(Files.exists(inbox.resolve("rejected/visits_bad.csv")));
        String errors = Files.readString(inbox.resolve("rejected/visits_bad.csv.errors.csv"));
        assertTrue(errors.startsWith("line,column,value,reason\n") && errors.contains("missing column member_id"), errors);
        assertTrue(Files.readString(inbox.resolve("rejected/notes.txt.errors.csv")).contains("no feed's file pattern matches"));
        assertFalse(Files.exists(inbox.resolve("visits_2026-11-20.csv.done")), "markers go with their files");
        assertTrue(Files.exists(growing), "not complete: no marker, and not yet still for the settle time");
        assertEquals(2, LoaderImportTest.await(store.load("M-1")).events("store_visit").length);
    }

    @Test
    void aFileWithoutMarker_isTakenOnceItStoppedGrowing() throws Exception {
        Watcher w = watcher(300);
        Path file = drop("visits_1.csv", VISITS, false);
        assertTrue(w.poll().isEmpty(), "just arrived");
        Files.writeString(file, VISITS + "V9,M-9,2026-11-20T11:00:00Z,umeda\n");
        assertTrue(w.poll().isEmpty(), "still growing");
        Thread.sleep(400);
        List<Watcher.Handled> handled = w.poll();
        assertEquals(1, handled.size());
        assertEquals(ImportRun.IMPORTED, handled.get(0).run().status());
        assertEquals(2, handled.get(0).run().applied(), "the whole file, as it was when complete");
    }

    @Test
    void afterARestart_aFileImportedBefore_isSkippedAndArchived() throws Exception {
        drop("visits_a.csv", VISITS, true);
        watcher(0).poll();
        drop("visits_b.csv", VISITS, true); // the same content again (e.g. re-sent by the export job)
        List<Watcher.Handled> handled = watcher(0).poll(); // a new watcher: as after a restart
        assertEquals(ImportRun.SKIPPED, handled.get(0).run().status());
        assertTrue(Files.exists(inbox.resolve("archive/visits_b.csv")));
        assertEquals(1, LoaderImportTest.await(store.load("M-1")).events("store_visit").length);
    }

    @Test
    void whileRedisIsAway_theFileWaits_andIsImportedWhenRedisIsBack() throws Exception {
        io.tsunagu.store.RedisProcess own = TestRedis.start();
        Redis ownClient = Redis.createClient(client.vertx, own.url());
        try {
            RedisProfileStore away = new RedisProfileStore(ownClient, new ProfileKeys(TestRedis.prefix()));
            LoaderImportTest.await(away.prepare());
            Watcher w = new Watcher(inbox, feeds, new Importer(away, ProfilePolicy.DEFAULT, new ImportHistory(away)), 0,
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            own.stop();
            drop("visits_1.csv", VISITS, true);
            assertEquals(List.of(inbox.resolve("visits_1.csv")), w.poll().stream().map(Watcher.Handled::movedTo).toList(),
                    "not imported: it stays");
            assertTrue(w.poll().isEmpty(), "and is not tried again at once");

            own = TestRedis.restart(own);
            Thread.sleep(1_100);
            List<Watcher.Handled> handled = w.poll();
            assertEquals(1, handled.size());
            assertEquals(ImportRun.IMPORTED, handled.get(0).run().status(), log.toString(StandardCharsets.UTF_8));
            assertTrue(Files.exists(inbox.resolve("archive/visits_1.csv")));
        } finally {
            ownClient.close();
            own.stop();
        }
    }

    @Test
    void theDaemon_importsWhatArrives_untilStopped() throws Exception {
        Watcher w = watcher(60_000);
        Thread t = new Thread(() -> {
            try {
                w.run(50);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        try {
            drop("visits_live.csv", VISITS, true);
            Http.within(10_000, "the file archived", () -> Files.exists(inbox.resolve("archive/visits_live.csv")));
        } finally {
            w.stop();
            t.join(10_000);
        }
        assertFalse(t.isAlive());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("visits_live.csv (feed visits): imported"), log.toString());
    }
}
