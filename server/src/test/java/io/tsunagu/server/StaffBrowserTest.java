package io.tsunagu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.server.staff.PasswordHash;
import io.tsunagu.server.testing.NodeTests;
import io.tsunagu.server.testing.ServerHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The staff page in real Chromium ({@code e2e/staff.e2e.mjs}, playwright-core) against a real server on
 * a real Redis: sign in, look up the demo member Aiko, see her recently viewed products and the
 * timeline (screenshot {@code target/e2e-artifacts/staff-lookup.png}), sign out. Each browser case is a
 * test of its own here.
 */
class StaffBrowserTest {

    static final List<String> CASES = List.of(
            "a wrong password shows an error and no member data",
            "staff sign in, look up the demo member, and see recently viewed products and the timeline",
            "an unknown member id says so, and signing out clears the screen and ends the session",
            "a member whose events hold markup and odd shapes is shown, as plain text",
            "Back after the session ended elsewhere shows the sign-in, not the member");
    static final String USER = "hanako";
    static final String PASSWORD = "counter-tablet-2026";
    static final String MEMBER = "M-1002";
    /** A member whose events a visitor wrote: markup, and values of shapes the page does not expect. */
    static final String HOSTILE = "M-7001";
    static final String MARKUP = "<img src=x onerror=\"window.__xss=1\"><svg onload=\"window.__xss=2\">";

    static ServerHarness h;

    @BeforeAll
    static void start() throws Exception {
        String hash = PasswordHash.create(PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS).encode();
        h = ServerHarness.startWithConfig("""
                demo_shop: true
                staff:
                  users:
                    - { user: %s, password_hash: "%s", store: shibuya, role: staff }
                """.formatted(USER, hash), Map.of());
        h.seedCatalog(BrowserTagTest.catalog());
        long now = System.currentTimeMillis();
        DemoData.seed(h.server.store(), h.server.rules().current().policy(), h.server.catalog().current(), now)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // Newsletters over the last months: more than one page of timeline.
        List<Event> mails = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            mails.add(new Event("mail-" + i, "email_sent", now - (5L + 7 * i) * 86_400_000L, Map.of("campaign", "newsletter-" + i)));
        }
        h.server.store().apply(MEMBER, mails, h.server.rules().current().policy(), now)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // What /v1/events accepts from any visitor: props of any JSON shape.
        List<Event> hostile = List.of(
                new Event("h-1", "page_view", now - 60_000, Map.of("title", 42, "url", "javascript:window.__xss=3")),
                new Event("h-2", "page_view", now - 50_000, Map.of("title", MARKUP, "product_id", MARKUP, "brand", MARKUP)),
                new Event("h-3", "purchase", now - 40_000, Map.of("channel", "store", "store_id", MARKUP, "item_name",
                        Map.of("toString", MARKUP), "product_id", "gone", "amount", 100)),
                new Event("h-4", "survey", now - 30_000, Map.of("survey", MARKUP, "score", Map.of("valueOf", 1),
                        "comment", List.of(MARKUP))),
                new Event("h-5", "custom_thing", now - 20_000, Map.of(MARKUP, MARKUP, "nested", Map.of("toString", "x"))));
        h.server.store().apply(HOSTILE, hostile, h.server.rules().current().policy(), now)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @TestFactory
    Stream<DynamicTest> staffPageInChromium() {
        NodeTests.Run run = NodeTests.run("e2e", "staff.e2e.mjs", Map.of("TSUNAGU_URL", h.base(), "TSUNAGU_ADMIN_TOKEN",
                ServerHarness.ADMIN, "TSUNAGU_STAFF_USER", USER, "TSUNAGU_STAFF_PASSWORD", PASSWORD, "TSUNAGU_MEMBER", MEMBER, "TSUNAGU_HOSTILE_MEMBER", HOSTILE),
                Duration.ofMinutes(3));
        List<String> ran = run.cases().stream().map(NodeTests.Case::name).toList();
        Stream<DynamicTest> all = Stream.of(DynamicTest.dynamicTest("every browser case ran", () ->
                assertEquals(CASES, ran, "cases reported by the script (exit " + run.exitCode() + "):\n" + run.output())));
        return Stream.concat(all, run.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertTrue(c.passed(), c.details()))));
    }
}
