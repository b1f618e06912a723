package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static io.tsunagu.server.testing.Http.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.server.testing.ServerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rule changes are live within 2 s; a broken change keeps the last good rules and is reported. */
class HotReloadTest {

    static String recommendationsTitle(ServerHarness h) {
        JsonNode d = json(h.post("/v1/decide", "{\"vid\":\"V-reload\",\"page\":{\"type\":\"home\"},"
                + "\"slots\":[\"recommendations\"]}").body()).get("decisions");
        return d.isEmpty() ? null : d.get(0).get("content").get("title").asText();
    }

    @Test
    void aChange_isLiveWithinTwoSeconds_andABrokenChange_isRejectedAndReported() throws Exception {
        try (ServerHarness h = ServerHarness.start()) {
            h.seedCatalog(List.of(Map.of("id", "P-1", "category", "knit", "launched_at", "2026-11-01")));
            assertEquals("Popular right now", recommendationsTitle(h));
            Path campaigns = h.rules.resolve("campaigns.yaml");
            Files.writeString(campaigns, Files.readString(campaigns).replace("Popular right now", "Trending this week"));
            long took = within(2_000, "the new title live", () -> "Trending this week".equals(recommendationsTitle(h)));
            assertTrue(took <= 2_000);

            Files.writeString(h.rules.resolve("broken.yaml"), "campaigns:\n  - id: oops\n    slot: hero\n    when: { page.type: { $regx: a } }\n    content: { template: banner }\n");
            within(2_500, "the broken change reported", () -> json(h.get("/admin/v1/rules", ServerHarness.ADMIN).body())
                    .get("status").asText().equals("last_change_rejected"));
            JsonNode status = json(h.get("/admin/v1/rules", ServerHarness.ADMIN).body());
            String error = status.get("rejected").get("errors").get(0).asText();
            assertTrue(error.endsWith("broken.yaml:4:26: unknown operator \"$regx\" (did you mean \"$regex\"?)"), error);
            assertEquals("Trending this week", recommendationsTitle(h), "the last good rules still decide");

            Files.delete(h.rules.resolve("broken.yaml"));
            within(2_500, "fixed", () -> json(h.get("/admin/v1/rules", ServerHarness.ADMIN).body())
                    .get("status").asText().equals("ok"));
        }
    }

    @Test
    void aChangeTheLoaderCannotEvenParse_isRejectedAndReported_notSilentlyIgnored() throws Exception {
        try (ServerHarness h = ServerHarness.start()) {
            // A year beyond what epoch milliseconds hold once made the loader throw: the watcher then
            // kept the old status ("ok") and the reload endpoint answered 500.
            Files.writeString(h.rules.resolve("far.yaml"), "campaigns:\n  - id: far\n    slot: hero\n"
                    + "    schedule: { from: \"+300000000-01-01T00:00\" }\n    content: { template: banner }\n");
            within(2_500, "the broken change reported", () -> json(h.get("/admin/v1/rules", ServerHarness.ADMIN).body())
                    .get("status").asText().equals("last_change_rejected"));
            var reload = h.post("/admin/v1/rules/reload", "", "application/json", ServerHarness.ADMIN);
            assertEquals(200, reload.statusCode(), reload.body());
            String error = json(reload.body()).get("rejected").get("errors").get(0).asText();
            assertTrue(error.endsWith("far.yaml:4:23: bad date \"+300000000-01-01T00:00\" for from: use 2026-12-01, "
                    + "2026-12-01T10:00 or 2026-12-01T10:00:00+09:00"), error);
        }
    }
}
