package io.tsunagu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store against a real Redis: what the scripts keep must equal the reference policy, exactly. */
class RedisProfileStoreTest {

    static final long DAY = 86_400_000L;
    static final long NOW = Instant.parse("2026-11-20T01:00:00Z").toEpochMilli();
    static final ProfilePolicy KEEP_10 = new ProfilePolicy(10, 800, ProfilePolicy.DEFAULT.dimensions(),
            ProfilePolicy.DEFAULT.measures());

    static Vertx vertx;
    static Redis redis;
    RedisProfileStore store;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.shared().url())
                .setProtocolNegotiation(false).setMaxPoolSize(8).setMaxPoolWaiting(1000));
    }

    @AfterAll
    static void close() {
        redis.close();
        vertx.close();
    }

    @BeforeEach
    void freshKeys() {
        store = new RedisProfileStore(redis, new ProfileKeys(TestRedis.prefix()));
        await(store.prepare());
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<Event> history(long seed, int n) {
        Random r = new Random(seed);
        List<Event> events = new ArrayList<>();
        String[] stores = {"shibuya", "ginza", "umeda"};
        String[] brands = {"kumo", "hoshi", "nami"};
        for (int i = 0; i < n; i++) {
            long ts = NOW - (long) (r.nextDouble() * 400 * DAY);
            Map<String, Object> props = new LinkedHashMap<>();
            String type = switch (r.nextInt(3)) {
                case 0 -> {
                    props.put("store_id", stores[r.nextInt(3)]);
                    yield "store_visit";
                }
                case 1 -> {
                    props.put("channel", r.nextBoolean() ? "store" : "web");
                    props.put("brand", brands[r.nextInt(3)]);
                    props.put("amount", 100 + r.nextInt(9000));
                    props.put("items", List.of(Map.of("sku", "S-" + i)));
                    yield "purchase";
                }
                default -> {
                    props.put("brand", brands[r.nextInt(3)]);
                    props.put("price", 12.5);
                    yield "page_view";
                }
            };
            events.add(new Event("e" + seed + "-" + i, type, ts, props));
        }
        return events;
    }

    /** The aggregate fields of {@code events} under {@code policy}: their updates summed, kept smallest or largest. */
    static Map<String, Double> fields(List<Event> events, ProfilePolicy policy) {
        Map<String, Double> out = new java.util.HashMap<>();
        for (Event e : events) {
            for (io.tsunagu.rules.profile.AggregateUpdate u : policy.updatesFor(e)) {
                out.merge(u.field(), u.value(), switch (u.op()) {
                    case ADD -> Double::sum;
                    case MIN -> Math::min;
                    case MAX -> Math::max;
                });
            }
        }
        return out;
    }

    static void assertSameProfile(Profile expected, Profile actual) {
        for (String type : List.of("store_visit", "purchase", "page_view")) {
            assertEquals(Arrays.asList(expected.events(type)).toString(), Arrays.asList(actual.events(type)).toString(), type);
            assertEquals(expected.retainedFrom(type), actual.retainedFrom(type), type);
        }
        assertEquals(expected.attributes(), actual.attributes());
        for (String type : List.of("store_visit", "purchase", "page_view")) {
            assertEquals(expected.aggregates().first(type), actual.aggregates().first(type), type);
            assertEquals(expected.aggregates().last(type), actual.aggregates().last(type), type);
            var e = expected.aggregates().count(type);
            var a = actual.aggregates().count(type);
            assertEquals(e == null, a == null, type);
            if (e != null) {
                assertEquals(e.sum(Integer.MIN_VALUE, Integer.MAX_VALUE), a.sum(Integer.MIN_VALUE, Integer.MAX_VALUE), 1e-9, type);
                assertEquals(e.size(), a.size(), type);
            }
            for (String dim : List.of("store_id", "brand", "channel")) {
                assertEquals(expected.aggregates().values(type, dim), actual.aggregates().values(type, dim), type + "." + dim);
            }
        }
        var es = expected.aggregates().sum("purchase", "amount", "channel", "store");
        var as = actual.aggregates().sum("purchase", "amount", "channel", "store");
        assertEquals(es == null, as == null);
        if (es != null) {
            assertEquals(es.sum(Integer.MIN_VALUE, Integer.MAX_VALUE), as.sum(Integer.MIN_VALUE, Integer.MAX_VALUE), 1e-6);
        }
    }

    @Test
    void apply_thenLoad_equalsTheReferencePolicy() {
        List<Event> events = history(1, 120);
        for (int i = 0; i < events.size(); i += 25) {
            ApplyResult r = await(store.apply("M-1", events.subList(i, Math.min(events.size(), i + 25)), KEEP_10, NOW));
            assertEquals(Math.min(25, events.size() - i), r.applied());
        }
        await(store.setAttributes("M-1", Map.of("member_rank", "gold", "age", 34L, "tags", List.of("a", "b"))));
        Profile expected = KEEP_10.apply("M-1", Map.of("member_rank", "gold", "age", 34L, "tags", List.of("a", "b")),
                events, NOW);
        assertSameProfile(expected, await(store.load("M-1")));
    }

    @Test
    void aggregateFields_asStored_areExactlyThePolicysUpdates() {
        // Field for field, what the script stores must be the trimmed events' updates (ProfilePolicy.updatesFor)
        // summed, kept smallest or largest, for every kind of dimension and measure value.
        ProfilePolicy policy = new ProfilePolicy(20, 800, List.of("channel", "store_id", "brand", "category"),
                List.of("amount", "qty"));
        Random r = new Random(11);
        Object[] dims = {"store", "web", "", "渋谷店", "a=b|c#d", 42L, 2.5, true, List.of("shoes", "bags", "shoes"), List.of()};
        Object[] measures = {1200L, 12.5, "3400", "7.25", "-3", "1e3", "n/a", "", 0L, -0.1, 1.0E-7, 123456789012L};
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Map<String, Object> props = new LinkedHashMap<>();
            for (String dim : policy.dimensions()) {
                if (r.nextInt(4) > 0) {
                    props.put(dim, dims[r.nextInt(dims.length)]);
                }
            }
            for (String m : policy.measures()) {
                if (r.nextInt(3) > 0) {
                    props.put(m, measures[r.nextInt(measures.length)]);
                }
            }
            String type = r.nextBoolean() ? "purchase" : "store_visit";
            events.add(new Event("agg-" + i, type, NOW - (long) (r.nextDouble() * 700 * DAY), props));
        }
        for (int i = 0; i < events.size(); i += 7) {
            await(store.apply("M-agg", events.subList(i, Math.min(events.size(), i + 7)), policy, NOW));
        }
        // The aggregates hold the trimmed events: all but the newest 20 of each type.
        List<Event> trimmed = new ArrayList<>();
        for (String type : List.of("purchase", "store_visit")) {
            List<Event> ofType = new ArrayList<>(events.stream().filter(e -> e.type().equals(type)).toList());
            ofType.sort(java.util.Comparator.comparingLong(Event::ts));
            trimmed.addAll(ofType.subList(0, ofType.size() - 20));
        }
        Map<String, Double> expected = fields(trimmed, policy);
        Map<String, Double> stored = new java.util.HashMap<>();
        await(store.aggregateFields("M-agg")).forEach((f, v) -> stored.put(f, Double.parseDouble(v)));
        assertEquals(new java.util.TreeSet<>(expected.keySet()), new java.util.TreeSet<>(stored.keySet()));
        expected.forEach((f, v) -> assertEquals(v, stored.get(f), Math.abs(v) * 1e-12, f));
    }

    @Test
    void dimensionValues_withControlCharacters_storeAsTheyReadInMemory() {
        // Kept only one event a type: the odd one is trimmed, so its value is in the aggregates.
        ProfilePolicy keep1 = new ProfilePolicy(1, 800, KEEP_10.dimensions(), KEEP_10.measures());
        Event odd = new Event("odd-1", "store_visit", NOW - DAY, Map.of("store_id", "shi\tbu\u001eya\u001f\n"));
        Event next = new Event("odd-2", "store_visit", NOW, Map.of("store_id", "ginza"));
        await(store.apply("M-odd", List.of(odd, next), keep1, NOW));
        Profile loaded = await(store.load("M-odd"));
        assertEquals(List.of("shi bu ya  "), loaded.aggregates().values("store_visit", "store_id"));
        assertEquals("shi\tbu\u001eya\u001f\n", EventCodec.decode(EventCodec.encode(odd)).prop("store_id"),
                "the stored event keeps the value as sent");
        assertSameProfile(keep1.apply("M-odd", Map.of(), List.of(odd, next), NOW), loaded);
    }

    @Test
    void apply_twice_countsOnce_evenAfterTrimming() {
        List<Event> events = history(2, 60);
        assertEquals(60, await(store.apply("M-2", events, KEEP_10, NOW)).applied());
        ApplyResult again = await(store.apply("M-2", events, KEEP_10, NOW));
        assertEquals(new ApplyResult(0, 60, 0), again, "a re-import changes nothing, trimmed events included");
        assertSameProfile(KEEP_10.apply("M-2", Map.of(), events, NOW), await(store.load("M-2")));
    }

    @Test
    void apply_ofKnownAndNewEventsTogether_storesOnlyTheNewOnes() {
        // A group with some ids known takes the script's slower path; one with none known, the direct one.
        List<Event> events = history(5, 40);
        List<Event> odd = new ArrayList<>();
        for (int i = 1; i < events.size(); i += 2) {
            odd.add(events.get(i));
        }
        assertEquals(20, await(store.apply("M-6", odd, KEEP_10, NOW)).applied());
        assertEquals(new ApplyResult(20, 20, 0), await(store.apply("M-6", events, KEEP_10, NOW)));
        assertSameProfile(KEEP_10.apply("M-6", Map.of(), events, NOW), await(store.load("M-6")));
    }

    @Test
    void apply_ofARepeatWithinOneCall_countsIt_once() {
        List<Event> events = new ArrayList<>(history(3, 5));
        events.add(events.get(2));
        assertEquals(new ApplyResult(5, 1, 0), await(store.apply("M-4", events, KEEP_10, NOW)));
        assertSameProfile(KEEP_10.apply("M-4", Map.of(), events.subList(0, 5), NOW), await(store.load("M-4")));
    }

    @Test
    void applyRequests_ofManyProfiles_storeEachAsItsOwnCallWould() {
        // 40 profiles of 1 to 30 events each (some past KEEP_10, so trimming), several profiles to a
        // call; then the same again with one event of each repeated: nothing counts twice.
        Random r = new Random(7);
        List<RedisProfileStore.Apply> profiles = new ArrayList<>();
        Map<String, List<Event>> byPid = new LinkedHashMap<>();
        int total = 0;
        for (int p = 0; p < 40; p++) {
            List<Event> events = history(100 + p, 1 + r.nextInt(30));
            byPid.put("MP-" + p, events);
            profiles.add(RedisProfileStore.Apply.of("MP-" + p, events, KEEP_10));
            total += events.size();
        }
        List<Request> calls = store.applyRequests(profiles, KEEP_10, NOW);
        assertTrue(calls.size() > 1 && calls.size() < profiles.size(), "several profiles a call: " + calls.size());
        assertEquals(new ApplyResult(total, 0, 0), sum(await(store.batch(calls))));

        List<RedisProfileStore.Apply> again = new ArrayList<>();
        byPid.forEach((pid, events) -> again.add(RedisProfileStore.Apply.of(pid, List.of(events.get(0)), KEEP_10)));
        assertEquals(new ApplyResult(0, byPid.size(), 0), sum(await(store.batch(store.applyRequests(again, KEEP_10, NOW)))));
        byPid.forEach((pid, events) -> assertSameProfile(KEEP_10.apply(pid, Map.of(), events, NOW), await(store.load(pid))));
    }

    private static ApplyResult sum(List<Response> responses) {
        ApplyResult total = ApplyResult.NONE;
        for (Response response : responses) {
            total = total.plus(RedisProfileStore.result(response));
        }
        return total;
    }

    @Test
    void apply_ofThousandsOfEventsInOneCall_equalsTheReferencePolicy() {
        // More ids and fields than one Redis call of the script takes: the script sends them in chunks.
        List<Event> events = history(4, 2_500);
        assertEquals(2_500, await(store.apply("M-5", events, KEEP_10, NOW)).applied());
        assertSameProfile(KEEP_10.apply("M-5", Map.of(), events, NOW), await(store.load("M-5")));
    }

    @Test
    void apply_rejectsEventsBeyondTheHorizon() {
        Event ancient = new Event("old", "purchase", NOW - 900 * DAY, Map.of("amount", 5));
        assertEquals(new ApplyResult(0, 0, 1), await(store.apply("M-3", List.of(ancient), KEEP_10, NOW)));
        assertEquals(0, await(store.load("M-3")).events().length);
    }

    @Test
    void load_ofTypesTheStoreHasNotReadBefore_readsThemToo_andAsksForThemFromThenOn() {
        // A new store asks for no event types: its first read finds them in the type set and reads again.
        Event visit = new Event("v-1", "store_visit", NOW - DAY, Map.of("store_id", "ginza"));
        Event call = new Event("c-1", "call", NOW - 2 * DAY, Map.of("topic", "returns"));
        await(store.apply("M-types", List.of(visit, call), KEEP_10, NOW));
        assertSameProfile(KEEP_10.apply("M-types", Map.of(), List.of(visit, call), NOW), await(store.load("M-types")));
        assertEquals(Set.of("store_visit", "call"), Set.copyOf(store.read("anyone").types()));

        Event open = new Event("o-1", "email_open", NOW - 3 * DAY, Map.of("campaign", "autumn"));
        await(store.apply("M-types", List.of(open), KEEP_10, NOW));
        assertSameProfile(KEEP_10.apply("M-types", Map.of(), List.of(visit, call, open), NOW), await(store.load("M-types")));
        assertEquals(Set.of("store_visit", "call", "email_open"), Set.copyOf(store.read("anyone").types()));
    }

    @Test
    void load_ofMoreEventTypesThanAReadAsksFor_readsThemAll() {
        // Beyond MAX_READ_TYPES the store stops learning types; profiles with others still read whole.
        List<Event> events = new ArrayList<>();
        for (int t = 0; t < RedisProfileStore.MAX_READ_TYPES + 8; t++) {
            events.add(new Event("x-" + t, "custom_" + t, NOW - t * DAY, Map.of("n", (long) t)));
        }
        await(store.apply("M-many", events, KEEP_10, NOW));
        Profile expected = KEEP_10.apply("M-many", Map.of(), events, NOW);
        assertSameProfile(expected, await(store.load("M-many")));
        assertEquals(RedisProfileStore.MAX_READ_TYPES, store.read("anyone").types().size());
        assertSameProfile(expected, await(store.load("M-many")));
    }

    @Test
    void migrate_convertsAProfileStoredInFormat1_exactlyOnce() {
        // Format 1, as earlier versions stored it: kept events as plain JSON, aggregates of every event.
        List<Event> events = history(21, 90);
        Profile expected = KEEP_10.apply("M-old", Map.of(), events, NOW);
        String base = store.keys().base("M-old");
        List<Request> writes = new ArrayList<>();
        for (Event e : events) {
            writes.add(Request.cmd(Command.ZADD).arg(base + ":i").arg(e.ts()).arg(e.id()));
        }
        fields(events, KEEP_10).forEach((f, v) -> writes.add(Request.cmd(Command.HSET).arg(base + ":g").arg(f).arg(ProfilePolicy.number(v))));
        for (String type : List.of("store_visit", "purchase", "page_view")) {
            writes.add(Request.cmd(Command.SADD).arg(base + ":t").arg(type));
            for (Event e : expected.events(type)) {
                writes.add(Request.cmd(Command.ZADD).arg(base + ":e:" + type).arg(e.ts()).arg(EventCodec.encode(e)));
            }
            if (expected.retainedFrom(type) != Long.MIN_VALUE) {
                writes.add(Request.cmd(Command.HSET).arg(base + ":m").arg("r:" + type).arg(expected.retainedFrom(type)));
            }
        }
        await(redis.batch(writes));

        long[] done = await(store.migrate(KEEP_10));
        assertEquals(expected.events().length, done[1], "every kept event converted");
        assertSameProfile(expected, await(store.load("M-old")));
        assertNull(await(store.migrate(KEEP_10)), "the store is marked current");

        await(redis.send(Request.cmd(Command.DEL).arg(store.keys().format())));
        assertEquals(0, await(store.migrate(KEEP_10))[1], "a second pass converts nothing");
        assertSameProfile(expected, await(store.load("M-old")));

        List<Event> more = history(22, 30);
        await(store.apply("M-old", more, KEEP_10, NOW));
        List<Event> both = new ArrayList<>(events);
        both.addAll(more);
        assertSameProfile(KEEP_10.apply("M-old", Map.of(), both, NOW), await(store.load("M-old")));
    }

    @Test
    void load_ofAnUnknownId_isEmpty() {
        Profile p = await(store.load("nobody"));
        assertEquals(0, p.events().length);
        assertTrue(p.attributes().isEmpty());
    }

    @Test
    void attributes_keepTheirTypes_andNullRemoves() {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("rank", "gold");
        attrs.put("nps", 9L);
        attrs.put("score", 4.5);
        attrs.put("opt_in", true);
        await(store.setAttributes("M-4", attrs));
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("opt_in", null);
        change.put("rank", "platinum");
        await(store.setAttributes("M-4", change));
        assertEquals(Map.of("rank", "platinum", "nps", 9L, "score", 4.5), await(store.load("M-4")).attributes());
    }

    @Test
    void merge_concurrently_countsTheAnonymousHistoryExactlyOnce() {
        List<Event> anonymous = history(3, 40); // 40 events, 10 kept per type: trimmed ones live in aggregates
        await(store.apply("V-anon", anonymous, KEEP_10, NOW));
        await(store.setAttributes("V-anon", Map.of("utm_source", "newsletter")));
        List<Event> member = history(4, 30);
        await(store.apply("M-5", member, KEEP_10, NOW));
        await(store.setAttributes("M-5", Map.of("member_rank", "silver")));

        Profile anon = await(store.load("V-anon"));
        Map<String, String> anonAggregates = await(store.aggregateFields("V-anon"));
        List<Future<ApplyResult>> merges = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            merges.add(store.merge(anon, anonAggregates, "M-5", KEEP_10, NOW));
        }
        List<ApplyResult> results = merges.stream().map(RedisProfileStoreTest::await).toList();
        assertEquals(anon.events().length, results.stream().mapToLong(ApplyResult::applied).sum(),
                "each kept anonymous event applied by exactly one of the merges");

        List<Event> all = new ArrayList<>(member);
        all.addAll(anonymous);
        Profile expected = KEEP_10.apply("M-5", Map.of("member_rank", "silver", "utm_source", "newsletter"), all, NOW);
        assertSameProfile(expected, await(store.load("M-5")));
    }

    @Test
    void alias_andDrop() {
        assertNull(await(store.alias("V-9")));
        await(store.setAlias("V-9", "M-9"));
        assertEquals("M-9", await(store.alias("V-9")));
        await(store.apply("V-9", history(5, 10), KEEP_10, NOW));
        await(store.drop("V-9"));
        assertEquals(0, await(store.load("V-9")).events().length);
    }

    @Test
    void load_overResp3_readsTheSameProfileAsOverResp2() {
        // Production clients speak RESP2 (hashes come as flat arrays); a RESP3 client gets maps.
        List<Event> events = history(7, 40);
        await(store.apply("M-resp3", events, KEEP_10, NOW));
        await(store.setAttributes("M-resp3", Map.of("member_rank", "gold", "nps", 9L)));
        Redis resp3 = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.shared().url()));
        try {
            RedisProfileStore other = new RedisProfileStore(resp3, store.keys());
            Profile expected = KEEP_10.apply("M-resp3", Map.of("member_rank", "gold", "nps", 9L), events, NOW);
            assertSameProfile(expected, await(other.load("M-resp3")));
            assertSameProfile(expected, await(store.load("M-resp3")));
        } finally {
            resp3.close();
        }
    }

    @Test
    void scriptsAreReloaded_whenRedisLostThem() {
        await(redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
        assertEquals(10, await(store.apply("M-6", history(6, 10), KEEP_10, NOW)).applied());
        assertEquals(10, await(store.load("M-6")).events().length);
    }

    @Test
    void changeFeed_deliversOtherInstancesChanges_notOwn() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        RedisOptions options = new RedisOptions().setConnectionString(TestRedis.shared().url()).setProtocolNegotiation(false);
        ChangeFeed feed = new ChangeFeed(vertx, options, store.keys(), "instance-b");
        vertx.runOnContext(v -> feed.start(seen::add, ready::countDown));
        assertTrue(ready.await(5, TimeUnit.SECONDS));
        await(store.publishChanges("instance-b", List.of("M-own")));
        await(store.publishChanges("instance-a", List.of("M-1", "M-2")));
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        feed.close();
        assertEquals(List.of("M-1", "M-2"), seen);
    }
}
