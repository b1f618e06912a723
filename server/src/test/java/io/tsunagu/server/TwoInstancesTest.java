package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static io.tsunagu.server.testing.Http.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.testing.TestRedis;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two server instances on one Redis: a change made through one is visible through the other within 1 s. */
class TwoInstancesTest {

    static String hero(ServerHarness h, String uid) {
        String body = "{\"vid\":\"V-" + uid + "\",\"uid\":\"" + uid + "\",\"uid_sig\":\"" + h.sign(uid)
                + "\",\"page\":{\"type\":\"home\"},\"slots\":[\"hero\"]}";
        HttpResponse<String> r = h.post("/v1/decide", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode decisions = json(r.body()).get("decisions");
        return decisions.isEmpty() ? null : decisions.get(0).get("campaign").asText();
    }

    @Test
    void aStoreVisitRecordedOnOneInstance_changesTheDecisionOnTheOther_withinOneSecond() {
        String prefix = TestRedis.prefix();
        var rules = ServerHarness.copyOfExampleRules();
        try (ServerHarness a = ServerHarness.start(TestRedis.shared().url(), prefix, rules, Map.of());
                ServerHarness b = ServerHarness.start(TestRedis.shared().url(), prefix, rules, Map.of())) {
            String uid = "M-sync";
            assertEquals(null, hero(b, uid), "no store visit yet; b now has the profile cached");
            // A store's check-in system reporting the visit as it happens (browsers cannot send store visits).
            HttpResponse<String> sent = a.post("/admin/v1/events", "{\"uid\":\"" + uid
                    + "\",\"events\":[{\"type\":\"store_visit\",\"props\":{\"store_id\":\"ginza\"}}]}", "application/json",
                    ServerHarness.ADMIN);
            assertEquals(202, sent.statusCode(), sent.body());
            long took = within(1_000, "b sees the visit", () -> "store-visitor-coupon".equals(hero(b, uid)));
            assertTrue(took <= 1_000, "took " + took + " ms");
            assertTrue(b.server.metrics().invalidations.sum() >= 1, "b was told, not just timed out");
        }
    }
}
