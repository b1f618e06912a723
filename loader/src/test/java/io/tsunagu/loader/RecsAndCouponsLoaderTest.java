package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.recs.RecsModel;
import io.tsunagu.server.testing.Http;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestClient;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.redis.client.Redis;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Coupon pools imported as a feed, and {@code loader build-recs} feeding the servers' recommendations. */
class RecsAndCouponsLoaderTest {

    static final String FEEDS = """
            feeds:
              pos:
                kind: events
                event: purchase
                file: "pos_*.csv"
                id: member_id
                time: { from: purchased_at, zone: Asia/Tokyo }
                key: [receipt_no, line_no]
                columns:
                  channel:    { value: store }
                  product_id: { from: item_code }
                  category:   { from: category }
                  quantity:   { from: qty, type: int }
              catalog:
                kind: catalog
                file: "products_*.csv"
                id: product_id
              vip_codes:
                kind: coupons
                pool: vip_thanks
                file: "vip_codes_*.csv"
                id: code
            """;

    static TestClient client;
    static Redis redis;
    String prefix;
    Path dir;
    RedisProfileStore store;
    String out;

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
        prefix = TestRedis.prefix();
        dir = TestRedis.tempDir("tsunagu-recs-loader");
        Files.writeString(dir.resolve("feeds.yaml"), FEEDS);
        store = client.store(prefix);
        LoaderImportTest.await(store.prepare());
    }

    int loader(String... args) {
        LoaderRun r = LoaderRun.run(dir.resolve("feeds.yaml"), prefix, args);
        out = r.out();
        return r.code();
    }

    @Test
    void couponCodes_areAddedToTheirPoolOnce_andHandedOutInFileOrder() throws Exception {
        Path file = dir.resolve("vip_codes_1.csv");
        Files.writeString(file, "code\nVIP-001\nVIP-002\nVIP-003\n");
        assertEquals(0, loader("import", "vip_codes", file.toString()), out);
        assertTrue(out.contains("3 applied"), out);
        assertEquals(0, loader("import", "--force", "vip_codes", file.toString()), out);
        assertTrue(out.contains("0 applied, 3 duplicate"), "a re-import adds no code twice: " + out);
        assertEquals("VIP-001", LoaderImportTest.await(store.claimCoupon("vip_thanks", "M-1")));
        assertEquals("VIP-002", LoaderImportTest.await(store.claimCoupon("vip_thanks", "M-2")));
        assertEquals("VIP-001", LoaderImportTest.await(store.claimCoupon("vip_thanks", "M-1")), "a member keeps their code");
    }

    @Test
    void buildRecs_readsThePurchasesInRedis_andTheServerRecommendsThePlantedComplement() throws Exception {
        StringBuilder pos = new StringBuilder("receipt_no,line_no,member_id,purchased_at,item_code,category,qty\n");
        for (int m = 0; m < 200; m++) {
            String day = "2026-10-" + String.format("%02d", 1 + m % 28) + "T12:00:00";
            pos.append("R").append(m).append(",1,M-").append(m).append(',').append(day).append(",BEST,shirts,1\n");
            if (m < 40) {
                pos.append("R").append(m).append(",2,M-").append(m).append(',').append(day).append(",BAG,bags,1\n");
                pos.append("R").append(m).append(",3,M-").append(m).append(',').append(day).append(",WALLET,accessories,1\n");
            }
            // A returned line is not a purchase.
            pos.append("R").append(m).append(",4,M-").append(m).append(',').append(day).append(",RETURNED,bags,-1\n");
        }
        Path posFile = dir.resolve("pos_1.csv");
        Files.writeString(posFile, pos);
        Path catalog = dir.resolve("products_1.csv");
        Files.writeString(catalog, "product_id,name,category,launched_at\nBEST,Shirt,shirts,2026-01-01\n"
                + "BAG,Tote,bags,2026-01-01\nWALLET,Wallet,accessories,2026-01-01\nRETURNED,Clutch,bags,2026-01-01\n");
        try (ServerHarness server = ServerHarness.start(TestRedis.shared().url(), prefix, ServerHarness.copyOfExampleRules(),
                Map.of())) {
            assertEquals(0, loader("import", "pos", posFile.toString()), out);
            assertEquals(0, loader("import", "catalog", catalog.toString()), out);
            assertEquals(0, loader("build-recs"), out);
            assertTrue(out.contains("280 purchases of 200 profiles"), out);

            RecsModel model = RecsModel.read(new ByteArrayInputStream(LoaderImportTest.await(store.recsModel())));
            assertEquals("WALLET", model.related("BAG").get(0).item());
            assertTrue(model.related("RETURNED").isEmpty());

            String body = "{\"vid\":\"V-recs\",\"page\":{\"type\":\"product\",\"product_id\":\"BAG\"},\"slots\":[\"complements\"]}";
            Http.within(2_000, "the server recommending from the new model", () -> {
                JsonNode r = Http.json(server.post("/v1/decide", body).body());
                return r.get("decisions").size() == 1
                        && r.get("decisions").get(0).get("content").get("items").get(0).get("id").asText().equals("WALLET");
            });
        }
    }
}
