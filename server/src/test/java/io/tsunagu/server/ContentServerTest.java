package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static io.tsunagu.server.testing.Http.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.recs.ModelBuilder;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Content that needs more than the rules: recommended products from the catalog and the co-purchase
 * model, unique coupon codes from a pool, and escaping — through real HTTP on a real Redis.
 */
class ContentServerTest {

    static final long DAY = 86_400_000L;
    static final String RULES = """
            settings: { timezone: Asia/Tokyo }
            campaigns:
              - id: gold-code
                slot: hero
                priority: 10
                when: { attributes.member_rank: gold }
                content: { template: coupon, pool: gold_codes, title: Your own code }
              - id: hello
                slot: hero
                priority: 0
                content:
                  template: banner
                  title: "Hello {{page.title | \\"friend\\"}} & welcome"
                  message: "<em>{{page.title}}</em>"
                  trusted: [message]
              - id: new-arrivals
                slot: recs
                content: { template: recommend, title: New from your brands, strategy: same_brand_new, limit: 3 }
              - id: complements
                slot: together
                content: { template: recommend, strategy: bought_together, limit: 2 }
            """;

    static ServerHarness h;
    static RedisProfileStore store;

    @BeforeAll
    static void start() throws Exception {
        Path rules = TestRedis.tempDir("tsunagu-content-rules");
        Files.writeString(rules.resolve("rules.yaml"), RULES);
        h = ServerHarness.start(TestRedis.shared().url(), TestRedis.prefix(), rules, Map.of());
        store = h.server.store();
        // The catalog: brand kumo with three launches, one inactive and one out of stock; a bag and its wallet.
        List<Map<String, Object>> products = List.of(
                product("K-OLD", "kumo", "knit", "2025-01-10", Map.of()),
                product("K-MID", "kumo", "knit", "2026-03-01", Map.of()),
                product("K-NEW", "kumo", "pants", "2026-10-20", Map.of()),
                product("K-GONE", "kumo", "pants", "2026-11-01", Map.of("active", false)),
                product("K-SOLD", "kumo", "pants", "2026-11-02", Map.of("stock", 0)),
                product("H-1", "hoshi", "knit", "2026-11-10", Map.of()),
                product("BAG", "sora", "bags", "2026-01-01", Map.of("name", "Tote <Large>")),
                product("WALLET", "sora", "accessories", "2026-01-01", Map.of()),
                product("BEST", "sora", "shirts", "2026-01-01", Map.of()));
        h.seedCatalog(products);
        // Co-purchases: BEST is in every basket; WALLET goes with BAG.
        ModelBuilder b = new ModelBuilder(ZoneId.of("Asia/Tokyo"), ModelBuilder.Settings.DEFAULT);
        long t = System.currentTimeMillis() - 10 * DAY;
        for (int i = 0; i < 200; i++) {
            b.add("C" + i, t, "BEST", "shirts");
            b.add("C" + i, t, i % 2 == 0 ? "K-OLD" : "H-1", "knit");
            if (i < 30) {
                b.add("C" + i, t, "BAG", "bags");
                b.add("C" + i, t, "WALLET", "accessories");
            }
        }
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        b.build(t).write(model);
        await(store.setRecsModel(model.toByteArray()));
        await(store.publishChanges("test", List.of(ProfileKeys.RECS_CHANGED)));
        within(5_000, "the model loaded", () -> h.server.catalog().recommender().model().size() > 0);
    }

    static Map<String, Object> product(String id, String brand, String category, String launched, Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", id.toLowerCase());
        m.put("brand", brand);
        m.put("category", category);
        m.put("launched_at", launched);
        m.put("url", "/p/" + id);
        m.putAll(more);
        return m;
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static JsonNode decide(String vid, String uid, String page, String slots) {
        String body = "{\"vid\":\"" + vid + "\"" + (uid == null ? "" : ",\"uid\":\"" + uid + "\",\"uid_sig\":\"" + h.sign(uid) + "\"")
                + ",\"page\":" + page + ",\"slots\":" + slots + "}";
        HttpResponse<String> r = h.post("/v1/decide", body);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    static JsonNode slot(JsonNode decide, String slot) {
        for (JsonNode d : decide.get("decisions")) {
            if (d.get("slot").asText().equals(slot)) {
                return d;
            }
        }
        return null;
    }

    static List<String> ids(JsonNode decision) {
        List<String> out = new ArrayList<>();
        decision.get("content").get("items").forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    static void seedPurchases(String uid, Event... events) throws Exception {
        await(store.apply(uid, List.of(events), h.server.rules().current().policy(), System.currentTimeMillis()));
    }

    @Test
    void sameBrandNewArrivals_newestFirst_withoutOwnedInactiveOrSoldOutProducts() throws Exception {
        long now = System.currentTimeMillis();
        seedPurchases("M-REC-1", new Event("r1", "purchase", now - 20 * DAY,
                Map.of("product_id", "K-MID", "brand", "kumo", "channel", "store", "amount", 9000)));
        JsonNode d = slot(decide("V-rec-1", "M-REC-1", "{\"type\":\"home\"}", "[\"recs\"]"), "recs");
        assertEquals("new-arrivals", d.get("campaign").asText());
        assertEquals(List.of("K-NEW", "K-OLD"), ids(d), "newest first; K-MID owned, K-GONE inactive, K-SOLD out of stock");
        assertEquals("same_brand_new", d.get("content").get("strategy").asText());
        assertEquals("New from your brands", d.get("content").get("title").asText());
        assertNull(d.get("content").get("limit"), "options are not content");
    }

    @Test
    void aRecommendationWithNothingToShow_givesTheSlotAway_andExplainSaysWhy() {
        JsonNode r = decide("V-rec-none", null, "{\"type\":\"home\"}", "[\"recs\"]");
        assertNull(slot(r, "recs"), "an anonymous visitor without purchases has no brands to recommend from");
        HttpResponse<String> e = h.post("/admin/v1/explain", "{\"profile\":{},\"page\":{\"type\":\"home\"},\"slots\":[\"recs\"]}",
                "application/json", ServerHarness.ADMIN);
        assertEquals(200, e.statusCode(), e.body());
        JsonNode c = json(e.body()).get("campaigns").get(2);
        assertEquals("new-arrivals", c.get("id").asText());
        assertEquals("content_unavailable", c.get("outcome").asText());
        assertTrue(c.get("reason").asText().contains("same_brand_new"), c.toString());
    }

    @Test
    void boughtTogether_onAProductPage_putsThePlantedComplementBeforeTheBestSeller() {
        JsonNode d = slot(decide("V-rec-2", null, "{\"type\":\"product\",\"product_id\":\"BAG\"}", "[\"together\"]"),
                "together");
        assertEquals("complements", d.get("campaign").asText());
        List<String> ids = ids(d);
        assertEquals("WALLET", ids.get(0), ids.toString());
        assertTrue(!ids.contains("BAG"), "never the product on the page");
    }

    @Test
    void textIsEscaped_placeholdersFallBack_andTrustedFieldsKeepTheirMarkupOnly() {
        JsonNode d = slot(decide("V-esc", null, "{\"type\":\"home\",\"title\":\"<script>x</script>\"}", "[\"hero\"]"), "hero");
        assertEquals("hello", d.get("campaign").asText());
        assertEquals("Hello &lt;script&gt;x&lt;/script&gt; &amp; welcome", d.get("content").get("title").asText());
        assertEquals("<em>&lt;script&gt;x&lt;/script&gt;</em>", d.get("content").get("message").asText());
        JsonNode plain = slot(decide("V-esc-2", null, "{\"type\":\"home\"}", "[\"hero\"]"), "hero");
        assertEquals("Hello friend &amp; welcome", plain.get("content").get("title").asText());
        assertEquals("<em></em>", plain.get("content").get("message").asText());
        JsonNode product = slot(decide("V-esc-3", null, "{\"type\":\"product\",\"product_id\":\"WALLET\"}", "[\"together\"]"),
                "together");
        for (JsonNode item : product.get("content").get("items")) {
            if (item.get("id").asText().equals("BAG")) {
                assertEquals("Tote &lt;Large&gt;", item.get("name").asText(), "catalog text is escaped too");
            }
        }
    }

    @Test
    void pooledCoupon_eachMemberKeepsTheirOwnCode_andAnEmptyPoolStopsTheCampaign() throws Exception {
        String pool = "gold_codes";
        await(store.batch(List.of(store.addCouponsRequest(pool, List.of("GOLD-A", "GOLD-B")))));
        await(store.publishChanges("test", List.of(ProfileKeys.COUPONS_CHANGED)));
        Set<String> given = new HashSet<>();
        for (String uid : List.of("M-GOLD-1", "M-GOLD-2")) {
            await(store.setAttributes(uid, Map.of("member_rank", "gold")));
            JsonNode d = slot(decide("V-" + uid, uid, "{\"type\":\"home\"}", "[\"hero\"]"), "hero");
            assertEquals("gold-code", d.get("campaign").asText());
            given.add(d.get("content").get("code").asText());
            JsonNode again = slot(decide("V-" + uid, uid, "{\"type\":\"home\"}", "[\"hero\"]"), "hero");
            assertEquals(d.get("content").get("code").asText(), again.get("content").get("code").asText(), "a member keeps their code");
        }
        assertEquals(Set.of("GOLD-A", "GOLD-B"), given, "one code each");

        await(store.setAttributes("M-GOLD-3", Map.of("member_rank", "gold")));
        JsonNode third = slot(decide("V-M-GOLD-3", "M-GOLD-3", "{\"type\":\"home\"}", "[\"hero\"]"), "hero");
        assertEquals("hello", third.get("campaign").asText(), "the pool is empty: the next campaign takes the slot");
        HttpResponse<String> e = h.post("/admin/v1/explain", "{\"uid\":\"M-GOLD-3\",\"page\":{\"type\":\"home\"},\"slots\":[\"hero\"]}",
                "application/json", ServerHarness.ADMIN);
        JsonNode c = json(e.body()).get("campaigns").get(0);
        assertEquals("content_unavailable", c.get("outcome").asText(), e.body());
        assertTrue(c.get("reason").asText().contains("no codes left"), c.toString());

        // Anonymous visitors never draw codes; members who got one still see theirs.
        JsonNode anonymous = slot(decide("V-anon-gold", null, "{\"type\":\"home\"}", "[\"hero\"]"), "hero");
        assertNotEquals("gold-code", anonymous.get("campaign").asText());
        JsonNode first = slot(decide("V-M-GOLD-1", "M-GOLD-1", "{\"type\":\"home\"}", "[\"hero\"]"), "hero");
        assertEquals("gold-code", first.get("campaign").asText());
    }
}
