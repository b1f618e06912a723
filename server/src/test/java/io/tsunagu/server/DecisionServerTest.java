package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static io.tsunagu.server.testing.Http.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.server.testing.ServerHarness;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decision API end to end: real HTTP, real Redis, the example rules. */
class DecisionServerTest {

    static final long DAY = 86_400_000L;
    static ServerHarness h;

    @BeforeAll
    static void start() {
        h = ServerHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static void seed(String uid, Map<String, Object> attributes, List<Event> events) throws Exception {
        long now = System.currentTimeMillis();
        var store = h.server.store();
        store.setAttributes(uid, attributes).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        store.apply(uid, events, h.server.rules().current().policy(), now).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    static String decideBody(String vid, String uid, String sig, String page, String slots) {
        return "{\"vid\":\"" + vid + "\"" + (uid == null ? "" : ",\"uid\":\"" + uid + "\",\"uid_sig\":\"" + sig + "\"")
                + ",\"page\":" + page + ",\"slots\":" + slots + "}";
    }

    static JsonNode decide(String vid, String uid, String page, String slots) {
        HttpResponse<String> r = h.post("/v1/decide", decideBody(vid, uid, uid == null ? null : h.sign(uid), page, slots));
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    static String campaign(JsonNode decide, String slot) {
        for (JsonNode d : decide.get("decisions")) {
            if (d.get("slot").asText().equals(slot)) {
                return d.get("campaign").asText();
            }
        }
        return null;
    }

    static JsonNode adminProfile(String id) {
        HttpResponse<String> r = h.get("/admin/v1/profiles/" + id + "?limit=1000", ServerHarness.ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    static long count(JsonNode profile, String type) {
        long n = 0;
        for (JsonNode e : profile.get("events")) {
            if (e.get("type").asText().equals(type)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void decide_forAMemberWhoVisitedTheShibuyaStore_givesTheCoupon() throws Exception {
        long now = System.currentTimeMillis();
        // M-1002 hashes into the coupon variant (90%), see examples/rules/coupons.test.yaml.
        seed("M-1002", Map.of("first_name", "Aiko", "member_rank", "silver"),
                List.of(new Event("seed-1", "store_visit", now - 3 * DAY, Map.of("store_id", "shibuya"))));
        JsonNode r = decide("V-aiko", "M-1002", "{\"type\":\"home\"}", "[\"hero\",\"banner\"]");
        assertTrue(r.get("identified").asBoolean());
        JsonNode hero = r.get("decisions").get(0);
        assertEquals("hero", hero.get("slot").asText());
        assertEquals("shibuya-store-coupon", hero.get("campaign").asText());
        assertEquals("coupon", hero.get("variant").asText());
        assertEquals("SHIBUYA10", hero.get("content").get("code").asText());
        assertEquals("Thanks for visiting Shibuya, Aiko!", hero.get("content").get("title").asText());
        assertEquals(1, r.get("decisions").size(), "no banner campaign holds for a silver member");
    }

    @Test
    void decide_acceptsTextPlain_soBrowsersSkipThePreflight() throws Exception {
        long now = System.currentTimeMillis();
        seed("M-text", Map.of(), List.of(new Event("seed-t", "store_visit", now - DAY, Map.of("store_id", "ginza"))));
        HttpResponse<String> r = h.post("/v1/decide", decideBody("V-text", "M-text", h.sign("M-text"), "{}",
                "[\"hero\"]"), "text/plain;charset=UTF-8", null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("store-visitor-coupon", campaign(json(r.body()), "hero"));
    }

    @Test
    void decide_withAForgedSignature_isAnonymous() throws Exception {
        long now = System.currentTimeMillis();
        seed("M-victim", Map.of("first_name", "Victim"),
                List.of(new Event("seed-v", "store_visit", now - DAY, Map.of("store_id", "shibuya"))));
        String forged = h.sign("M-victim").replace('a', 'b').replace('1', '2');
        HttpResponse<String> r = h.post("/v1/decide", decideBody("V-attacker", "M-victim", forged, "{}", "[\"hero\"]"));
        assertEquals(200, r.statusCode());
        JsonNode body = json(r.body());
        assertFalse(body.get("identified").asBoolean());
        assertEquals(0, body.get("decisions").size(), "the victim's coupon must not show: " + r.body());
        assertEquals(0, count(adminProfile("M-victim"), "page_view"), "nothing recorded on the victim's profile");
    }

    @Test
    void aMembersIdSentAsVisitorId_readsAndWritesNothingOfTheMember() throws Exception {
        // Regression: visitor ids named profiles directly, so an unsigned {"vid": "M-…"} read the member's
        // decisions and wrote events into their profile.
        long now = System.currentTimeMillis();
        seed("M-vidvictim", Map.of("first_name", "Victim"),
                List.of(new Event("seed-vv", "store_visit", now - DAY, Map.of("store_id", "shibuya"))));
        JsonNode r = decide("M-vidvictim", null, "{\"type\":\"home\"}", "[\"hero\"]");
        assertFalse(r.get("identified").asBoolean());
        assertEquals(0, r.get("decisions").size(), "the member's coupon must not show: " + r);
        HttpResponse<String> events = h.post("/v1/events", "{\"vid\":\"M-vidvictim\",\"events\":[{\"type\":\"purchase\","
                + "\"props\":{\"amount\":999999}}]}");
        assertEquals(202, events.statusCode(), events.body());
        within(2_000, "the visitor's events stored", () -> count(adminProfile("~M-vidvictim"), "purchase") == 1);
        JsonNode member = adminProfile("M-vidvictim");
        assertEquals(0, count(member, "purchase"), "nothing written into the member's profile");
        assertEquals(0, count(member, "page_view"));
        assertEquals(1, count(member, "store_visit"));
    }

    @Test
    void browsers_cannotSendOfflineEvents_butATrustedSystemCan_andTheCouponFollows() {
        // Regression: any signed-in member could post a store_visit for themselves and get the store coupon.
        String uid = "M-checkin";
        String signed = "{\"vid\":\"V-checkin\",\"uid\":\"" + uid + "\",\"uid_sig\":\"" + h.sign(uid) + "\",\"events\":";
        HttpResponse<String> visit = h.post("/v1/events", signed + "[{\"type\":\"store_visit\",\"props\":{\"store_id\":\"ginza\"}}]}");
        assertEquals(400, visit.statusCode(), visit.body());
        assertTrue(visit.body().contains("records what happened offline"), visit.body());
        HttpResponse<String> store = h.post("/v1/events", signed
                + "[{\"type\":\"purchase\",\"props\":{\"channel\":\"store\",\"store_id\":\"ginza\",\"amount\":900}}]}");
        assertEquals(400, store.statusCode(), store.body());
        HttpResponse<String> line = h.post("/v1/events", signed
                + "[{\"type\":\"purchase\",\"props\":{\"items\":[{\"product_id\":\"P-1\",\"channel\":\"store\"}]}}]}");
        assertEquals(400, line.statusCode(), "a line cannot claim the store either: " + line.body());
        assertEquals(202, h.post("/v1/events", signed + "[{\"type\":\"purchase\",\"id\":\"web-1\",\"props\":{\"amount\":900}}]}")
                .statusCode());
        within(2_000, "the web purchase stored", () -> count(adminProfile(uid), "purchase") == 1);
        assertEquals("web", adminProfile(uid).get("events").get(0).get("props").get("channel").asText(),
                "a browser's purchase is on the web channel");
        assertEquals(null, campaign(decide("V-checkin", uid, "{\"type\":\"home\"}", "[\"hero\"]"), "hero"));

        String trusted = "{\"uid\":\"" + uid + "\",\"events\":[{\"type\":\"store_visit\",\"props\":{\"store_id\":\"ginza\"}}]}";
        assertEquals(401, h.post("/admin/v1/events", trusted).statusCode(), "the trusted path needs the admin token");
        HttpResponse<String> checkIn = h.post("/admin/v1/events", trusted, "application/json", ServerHarness.ADMIN);
        assertEquals(202, checkIn.statusCode(), checkIn.body());
        within(2_000, "the check-in's coupon", () -> "store-visitor-coupon".equals(
                campaign(decide("V-checkin", uid, "{\"type\":\"home\"}", "[\"hero\"]"), "hero")));
        HttpResponse<String> vid = h.post("/admin/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"call\"}]}",
                "application/json", ServerHarness.ADMIN);
        assertEquals(400, vid.statusCode(), vid.body());
    }

    @Test
    void aSignedMember_withAnotherMembersIdAsVisitorId_mergesNothingOfTheOther() throws Exception {
        // Regression: the merge of the "anonymous" profile moved the other member's history into the
        // signed member's profile and deleted it.
        long now = System.currentTimeMillis();
        seed("M-mergevictim", Map.of("first_name", "Victim"),
                List.of(new Event("seed-mv", "store_visit", now - DAY, Map.of("store_id", "ginza"))));
        JsonNode r = decide("M-mergevictim", "M-mergethief", "{\"type\":\"home\"}", "[]");
        assertTrue(r.get("identified").asBoolean());
        JsonNode victim = adminProfile("M-mergevictim");
        assertEquals(1, count(victim, "store_visit"), "the other member's profile is whole");
        assertEquals("Victim", victim.get("attributes").get("first_name").asText());
        within(2_000, "the thief's page view stored", () -> count(adminProfile("M-mergethief"), "page_view") == 1);
        assertEquals(0, count(adminProfile("M-mergethief"), "store_visit"), "none of the other member's events");
    }

    @Test
    void decide_recordsThePageView_andTheNextDecisionSeesIt() {
        // The same-brand campaign needs a product page and brand affinity; page views feed viewed_brands_30d.
        decide("V-browse", null, "{\"type\":\"product\",\"brand\":\"kumo\",\"product_id\":\"P-1\"}", "[\"recommendations\"]");
        within(2_000, "the page view stored", () -> count(adminProfile("~V-browse"), "page_view") == 1);
        JsonNode p = adminProfile("~V-browse");
        JsonNode view = p.get("events").get(0);
        assertEquals("product", view.get("props").get("page_type").asText());
        assertEquals("kumo", view.get("props").get("brand").asText());
        assertEquals("kumo", p.get("traits").get("viewed_brands_30d").get(0).asText());
    }

    @Test
    void events_storeTagEvents_andSplitOrdersIntoLines() {
        String body = "{\"vid\":\"V-shop\",\"events\":["
                + "{\"type\":\"add_to_cart\",\"props\":{\"product_id\":\"P-7\"}},"
                + "{\"type\":\"purchase\",\"id\":\"order-77\",\"ts\":\"2026-11-20T10:00:00+09:00\",\"props\":{\"channel\":\"web\","
                + "\"items\":[{\"product_id\":\"P-7\",\"brand\":\"kumo\",\"price\":3000,\"quantity\":2},"
                + "{\"product_id\":\"P-9\",\"brand\":\"hoshi\",\"amount\":1500}]}}]}";
        HttpResponse<String> r = h.post("/v1/events", body);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(3, json(r.body()).get("accepted").asInt());
        within(2_000, "the events stored", () -> count(adminProfile("~V-shop"), "purchase") == 2);
        JsonNode p = adminProfile("~V-shop");
        assertEquals(1, count(p, "add_to_cart"));
        assertEquals(7500, p.get("traits").get("spend_365d").asInt(), "3000 x 2 + 1500");
        for (JsonNode e : p.get("events")) {
            if (e.get("type").asText().equals("purchase")) {
                assertEquals("order-77", e.get("props").get("order_id").asText());
                assertTrue(e.get("id").asText().startsWith("order-77:"));
            }
        }
        // The same order sent again (a retry) is not counted twice.
        assertEquals(202, h.post("/v1/events", body).statusCode());
        within(2_000, "the retry seen", () -> h.server.metrics().eventsDuplicate.sum() >= 2);
        assertEquals(7500, adminProfile("~V-shop").get("traits").get("spend_365d").asInt());
    }

    @Test
    void merge_ofAnAnonymousHistory_happensExactlyOnce_underConcurrentRequests() throws Exception {
        for (int i = 0; i < 5; i++) {
            decide("V-merge", null, "{\"type\":\"product\",\"brand\":\"sora\"}", "[]");
        }
        within(2_000, "anonymous views stored", () -> count(adminProfile("~V-merge"), "page_view") == 5);
        String signed = decideBody("V-merge", "M-merge", h.sign("M-merge"), "{\"type\":\"home\"}", "[\"hero\"]");
        List<CompletableFuture<Integer>> concurrent = new ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            for (int i = 0; i < 10; i++) {
                concurrent.add(CompletableFuture.supplyAsync(() -> h.post("/v1/decide", signed).statusCode(), pool));
            }
            for (CompletableFuture<Integer> f : concurrent) {
                assertEquals(200, f.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
        }
        within(3_000, "all views on the member", () -> count(adminProfile("M-merge"), "page_view") == 15);
        Thread.sleep(300);
        JsonNode member = adminProfile("M-merge");
        assertEquals(15, count(member, "page_view"), "5 anonymous + 10 signed views, each exactly once");
        assertEquals("sora", member.get("traits").get("viewed_brands_30d").get(0).asText(), "the anonymous browsing came along");
        assertEquals(0, adminProfile("~V-merge").get("events").size(), "the anonymous profile was moved");
        // Later, even unsigned, the visitor id is the member.
        decide("V-merge", null, "{\"type\":\"home\"}", "[]");
        within(2_000, "alias followed", () -> count(adminProfile("M-merge"), "page_view") == 16);
    }

    @Test
    void admin_needsTheToken() {
        assertEquals(401, h.get("/admin/v1/rules", null).statusCode());
        HttpResponse<String> wrong = h.get("/admin/v1/rules", "not-the-token");
        assertEquals(401, wrong.statusCode());
        assertEquals("unauthorized", json(wrong.body()).get("error").asText());
        assertEquals("Bearer", wrong.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, h.post("/admin/v1/explain", "{}", "application/json", null).statusCode());
    }

    @Test
    void admin_rules_andExplain() {
        JsonNode rules = json(h.get("/admin/v1/rules", ServerHarness.ADMIN).body());
        assertEquals("ok", rules.get("status").asText());
        assertTrue(rules.get("summary").asText().contains("12 campaigns"));
        HttpResponse<String> r = h.post("/admin/v1/explain", "{\"profile\":{\"attributes\":{\"member_rank\":\"gold\"}},"
                + "\"page\":{\"type\":\"home\"},\"slots\":[\"banner\"]}", "application/json", ServerHarness.ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode e = json(r.body());
        for (JsonNode c : e.get("campaigns")) {
            if (c.get("id").asText().equals("vip-banner")) {
                assertEquals("selected", c.get("outcome").asText());
            }
            if (c.get("id").asText().equals("first-purchase-welcome")) {
                assertEquals("condition_failed", c.get("outcome").asText());
                assertTrue(c.get("failed").get("at").asText().contains("campaigns.yaml:"), c.toString());
            }
            if (c.get("id").asText().equals("shibuya-store-coupon")) {
                assertEquals("slot_not_requested", c.get("outcome").asText());
            }
        }
    }

    @Test
    void health_ready_metrics() {
        assertEquals(200, h.get("/health", null).statusCode());
        HttpResponse<String> ready = h.get("/ready", null);
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("up", json(ready.body()).get("redis").asText());
        String metrics = h.get("/metrics", null).body();
        assertTrue(metrics.contains("# TYPE tsunagu_decide_requests_total counter"), metrics);
        assertTrue(metrics.contains("tsunagu_profile_cache_hits_total"), metrics);
    }
}
