package io.tsunagu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.server.testing.NodeTests;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.testing.TestRedis;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The browser tag on the demo shop, in real Chromium ({@code e2e/tag.e2e.mjs}, playwright-core) against
 * a real server on a real Redis with the example rules and the demo members. Each browser case is a
 * test of its own here.
 */
class BrowserTagTest {

    static final List<String> CASES = List.of(
            "an anonymous visitor sees the default hero, no store coupon, and gets a first-party visitor cookie",
            "a Shibuya store visitor who logs in sees the store coupon, and same-brand new arrivals on a product page",
            "a single-page navigation asks for a new decision with the new page's context",
            "server down: the page's default content shows within the timeout and nothing throws",
            "server too slow: slots are hidden, at most for the anti-flicker timeout",
            "impressions and clicks reach the member's profile",
            "a site on another origin: decisions and events cross with CORS, the cookie stays first-party",
            "consent off: no cookie and no requests",
            "tsunagu.on('decision') hands every decision to the page");

    static ServerHarness h;

    @BeforeAll
    static void start() throws Exception {
        h = ServerHarness.start(TestRedis.shared().url(), TestRedis.prefix(), ServerHarness.copyOfExampleRules(),
                Map.of("TSUNAGU_DEMO_SHOP", "true", "TSUNAGU_CORS_ORIGINS", "*"));
        h.seedCatalog(catalog());
        DemoData.seed(h.server.store(), h.server.rules().current().policy(), System.currentTimeMillis())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** Two brands' products as the demo retailer's catalog has them (URLs and pictures of the demo shop). */
    static List<Map<String, Object>> catalog() {
        List<Map<String, Object>> out = new ArrayList<>();
        String[] categories = {"knit", "shirts", "pants", "bags"};
        for (int i = 0; i < 8; i++) {
            for (String brand : List.of("kumo", "hoshi")) {
                String category = categories[i % categories.length];
                String id = brand.substring(0, 1).toUpperCase() + "-" + (100 + i);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("id", id);
                p.put("name", brand + " " + category + " " + i);
                p.put("brand", brand);
                p.put("category", category);
                p.put("price", 5000 + 500 * i);
                p.put("launched_at", LocalDate.now().minusDays(10L * i).toString());
                p.put("url", "/demo/products/" + id);
                p.put("image", "/demo/img/" + category + ".svg");
                out.add(p);
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> tagInChromium() {
        NodeTests.Run run = NodeTests.run("e2e", "tag.e2e.mjs", Map.of("TSUNAGU_URL", h.base(), "TSUNAGU_ADMIN_TOKEN",
                ServerHarness.ADMIN), Duration.ofMinutes(4));
        List<String> ran = run.cases().stream().map(NodeTests.Case::name).toList();
        Stream<DynamicTest> all = Stream.of(DynamicTest.dynamicTest("every browser case ran", () ->
                assertEquals(CASES, ran, "cases reported by the script (exit " + run.exitCode() + "):\n" + run.output())));
        return Stream.concat(all, run.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertTrue(c.passed(), c.details()))));
    }
}
