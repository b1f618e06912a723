package io.tsunagu.rules;

import static io.tsunagu.rules.testing.TestRules.DAY;
import static io.tsunagu.rules.testing.TestRules.HOUR;
import static io.tsunagu.rules.testing.TestRules.NOW;
import static io.tsunagu.rules.testing.TestRules.event;
import static io.tsunagu.rules.testing.TestRules.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.profile.Profile;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** decide(profile, page, slots, now, caps): at most one decision per slot, by priority, schedule, cap, condition. */
class DecideTest {

    private static final Profile ANON = Profile.empty("V-anon");

    private static String only(List<Decision> ds, String slot) {
        for (Decision d : ds) {
            if (d.slot().equals(slot)) {
                return d.campaign();
            }
        }
        return null;
    }

    @Test
    void highestPriorityWins_thenDeclarationOrder() {
        RuleSet r = rules("""
                campaigns:
                  - { id: low, slot: hero, priority: 1, content: { template: banner } }
                  - { id: high, slot: hero, priority: 5, content: { template: banner } }
                  - { id: high-too, slot: hero, priority: 5, content: { template: banner } }
                """);
        assertEquals("high", only(r.decide(ANON, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE), "hero"));
    }

    @Test
    void aFailingConditionFallsThroughToTheNext() {
        RuleSet r = rules("""
                campaigns:
                  - { id: products, slot: hero, priority: 9, when: { page.type: product }, content: { template: banner } }
                  - { id: anyone, slot: hero, content: { template: banner } }
                """);
        assertEquals("products", only(r.decide(ANON, Map.of("type", "product"), List.of("hero"), NOW, ImpressionCounts.NONE), "hero"));
        assertEquals("anyone", only(r.decide(ANON, Map.of("type", "home"), List.of("hero"), NOW, ImpressionCounts.NONE), "hero"));
    }

    @Test
    void slots_answerInRequestOrder_onceEach_andIgnoreUnknownSlots() {
        RuleSet r = rules("""
                campaigns:
                  - { id: a, slot: hero, content: { template: banner } }
                  - { id: b, slot: banner, content: { template: banner } }
                """);
        List<Decision> ds = r.decide(ANON, Map.of(), List.of("banner", "nowhere", "hero", "banner"), NOW, ImpressionCounts.NONE);
        assertEquals(List.of("banner", "hero"), ds.stream().map(Decision::slot).toList());
    }

    @Test
    void schedule_isInTheRuleSetZone_andToIncludesItsWholeDay() {
        RuleSet r = rules("""
                settings: { timezone: Asia/Tokyo }
                campaigns:
                  - { id: dec, slot: hero, schedule: { from: 2026-12-01, to: 2026-12-31 }, content: { template: banner } }
                  - id: utc-evening
                    slot: banner
                    schedule: { from: "2026-11-20T18:00", timezone: UTC }
                    content: { template: banner }
                """);
        long startTokyo = Instant.parse("2026-11-30T15:00:00Z").toEpochMilli();
        long endTokyo = Instant.parse("2026-12-31T15:00:00Z").toEpochMilli();
        assertNull(only(r.decide(ANON, Map.of(), List.of("hero"), startTokyo - 1, ImpressionCounts.NONE), "hero"));
        assertEquals("dec", only(r.decide(ANON, Map.of(), List.of("hero"), startTokyo, ImpressionCounts.NONE), "hero"));
        assertEquals("dec", only(r.decide(ANON, Map.of(), List.of("hero"), endTokyo - 1, ImpressionCounts.NONE), "hero"));
        assertNull(only(r.decide(ANON, Map.of(), List.of("hero"), endTokyo, ImpressionCounts.NONE), "hero"));
        long evening = Instant.parse("2026-11-20T18:00:00Z").toEpochMilli();
        assertNull(only(r.decide(ANON, Map.of(), List.of("banner"), evening - 1, ImpressionCounts.NONE), "banner"));
        assertEquals("utc-evening", only(r.decide(ANON, Map.of(), List.of("banner"), evening, ImpressionCounts.NONE), "banner"));
    }

    @Test
    void frequencyCap_countsImpressionsInItsPeriod() {
        RuleSet r = rules("""
                campaigns:
                  - { id: capped, slot: hero, priority: 1, cap: { impressions: 2, per: 1d }, content: { template: banner } }
                  - { id: forever, slot: banner, cap: { impressions: 1 }, content: { template: banner } }
                  - { id: fallback, slot: hero, content: { template: banner } }
                """);
        Profile seenTwiceToday = Profile.builder("V-1")
                .event(event("impression", 3 * HOUR, "campaign", "capped"))
                .event(event("impression", 2 * HOUR, "campaign", "capped"))
                .build();
        Profile seenYesterday = Profile.builder("V-2")
                .event(event("impression", 30 * HOUR, "campaign", "capped"))
                .event(event("impression", 2 * HOUR, "campaign", "capped"))
                .event(event("impression", 400 * DAY, "campaign", "forever"))
                .build();
        assertEquals("fallback", only(r.decide(seenTwiceToday, Map.of(), List.of("hero"), NOW,
                ImpressionCounts.fromProfile(seenTwiceToday)), "hero"));
        List<Decision> ds = r.decide(seenYesterday, Map.of(), List.of("hero", "banner"), NOW,
                ImpressionCounts.fromProfile(seenYesterday));
        assertEquals("capped", only(ds, "hero"));
        assertNull(only(ds, "banner"), "a lifetime cap of one, used 400 days ago");
        ImpressionCounts supplied = (campaign, since) -> campaign.equals("capped") ? 2 : 0;
        assertEquals("fallback", only(r.decide(ANON, Map.of(), List.of("hero"), NOW, supplied), "hero"));
    }

    @Test
    void disabledCampaigns_neverShow() {
        RuleSet r = rules("campaigns:\n  - { id: off, slot: hero, enabled: false, content: { template: banner } }\n");
        assertEquals(List.of(), r.decide(ANON, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE));
    }

    @Test
    void variants_areStablePerVisitor_andFollowTheWeights() {
        RuleSet r = rules("""
                campaigns:
                  - id: test
                    slot: hero
                    variants:
                      - { id: a, weight: 70, content: { template: banner, title: A } }
                      - { id: b, weight: 20, content: { template: banner, title: B } }
                      - { id: control, weight: 10 }
                """);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < 20_000; i++) {
            Profile p = Profile.empty("V-" + i);
            Decision d = r.decide(p, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE).get(0);
            counts.merge(d.variant(), 1, Integer::sum);
            Decision again = r.decide(p, Map.of(), List.of("hero"), NOW + DAY, ImpressionCounts.NONE).get(0);
            assertEquals(d.variant(), again.variant(), "a visitor keeps their variant");
            if (d.variant().equals("control")) {
                assertTrue(d.isControl());
                assertNull(d.content(), "a holdout shows nothing");
            } else {
                assertEquals(d.variant().toUpperCase(), d.content().get("title"));
            }
        }
        assertEquals(14_000, counts.get("a"), 400);
        assertEquals(4_000, counts.get("b"), 300);
        assertEquals(2_000, counts.get("control"), 200);
    }

    @Test
    void variantAssignment_matchesGrowthBooksHash() {
        RuleSet r = rules("""
                campaigns:
                  - id: exp
                    slot: hero
                    variants:
                      - { id: first, weight: 50, content: { template: banner } }
                      - { id: second, weight: 50, content: { template: banner } }
                """);
        for (String visitor : List.of("V-1", "V-2", "V-3", "V-4", "V-5", "V-6")) {
            double n = Bucketing.hash("exp", visitor, 2);
            String expected = n < 0.5 ? "first" : "second";
            assertEquals(expected, r.decide(Profile.empty(visitor), Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE)
                    .get(0).variant(), visitor);
        }
    }

    @Test
    void bucketBy_keepsTheBrowsersVariantWhenTheProfileIdChangesAtLogin() {
        RuleSet r = rules("""
                campaigns:
                  - id: exp
                    slot: hero
                    bucket_by: visit.vid
                    variants:
                      - { id: first, weight: 50, content: { template: banner } }
                      - { id: second, weight: 50, content: { template: banner } }
                """);
        for (String vid : List.of("V-1", "V-2", "V-3", "V-4", "V-5", "V-6")) {
            String anonymous = r.decide(Profile.empty(vid), Map.of(), Map.of("vid", vid), List.of("hero"), NOW,
                    ImpressionCounts.NONE).get(0).variant();
            String member = r.decide(Profile.empty("M-" + vid), Map.of(), Map.of("vid", vid, "uid", "M-" + vid),
                    List.of("hero"), NOW, ImpressionCounts.NONE).get(0).variant();
            assertEquals(anonymous, member, vid);
            assertEquals(Bucketing.hash("exp", vid, 2) < 0.5 ? "first" : "second", member);
        }
        String withoutVid = r.decide(Profile.empty("M-9"), Map.of(), Map.of(), List.of("hero"), NOW,
                ImpressionCounts.NONE).get(0).variant();
        assertEquals(Bucketing.hash("exp", "M-9", 2) < 0.5 ? "first" : "second", withoutVid, "falls back to the profile id");
    }

    @Test
    void content_rendersPlaceholders_withFallbacks() {
        RuleSet r = rules("""
                traits:
                  visits: { count: store_visit }
                  spend:  { sum: purchase.amount }
                  brands: { top: purchase.brand, n: 2 }
                campaigns:
                  - id: hello
                    slot: hero
                    content:
                      template: message
                      title: "Hello {{attributes.first_name | \\"friend\\"}}, {{traits.visits}} visits, ¥{{traits.spend}}"
                      brands: "{{ traits.brands }}"
                      missing: "[{{attributes.nothing}}]"
                      page: "on {{page.brand | 'our site'}}"
                      nested: { items: ["{{attributes.first_name}}", 3] }
                """);
        Profile aiko = Profile.builder("M-1").attribute("first_name", "Aiko")
                .event(event("store_visit", DAY, "store_id", "ginza"))
                .event(event("purchase", DAY, "brand", "kumo", "amount", 1200))
                .event(event("purchase", 2 * DAY, "brand", "hoshi", "amount", 800.5))
                .build();
        Map<String, Object> c = r.decide(aiko, Map.of("brand", "nami"), List.of("hero"), NOW, ImpressionCounts.NONE)
                .get(0).content();
        assertEquals("message", c.get("template"));
        assertEquals("Hello Aiko, 1 visits, ¥2000.5", c.get("title"));
        assertEquals("kumo, hoshi", c.get("brands"));
        assertEquals("[]", c.get("missing"));
        assertEquals("on nami", c.get("page"));
        assertEquals(Map.of("items", List.of("Aiko", 3L)), c.get("nested"));
        Map<String, Object> anon = r.decide(ANON, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE).get(0).content();
        assertEquals("Hello friend, 0 visits, ¥0", anon.get("title"));
        assertEquals("on our site", anon.get("page"));
    }

    @Test
    void conditions_seeNowInTheRuleSetZone() {
        RuleSet r = rules("""
                settings: { timezone: Asia/Tokyo }
                campaigns:
                  - id: lunch
                    slot: hero
                    when: { now.hour: { $gte: 11, $lt: 14 }, now.weekday: { $nin: [sat, sun] } }
                    content: { template: banner }
                """);
        long fridayNoonTokyo = Instant.parse("2026-11-20T03:00:00Z").toEpochMilli();
        long saturdayNoonTokyo = fridayNoonTokyo + DAY;
        assertEquals("lunch", only(r.decide(ANON, Map.of(), List.of("hero"), fridayNoonTokyo, ImpressionCounts.NONE), "hero"));
        assertNull(only(r.decide(ANON, Map.of(), List.of("hero"), saturdayNoonTokyo, ImpressionCounts.NONE), "hero"));
        assertNull(only(r.decide(ANON, Map.of(), List.of("hero"), fridayNoonTokyo + 3 * HOUR, ImpressionCounts.NONE), "hero"));
    }

    @Test
    void conditions_seeSegmentsBuiltOnSegments_andLists() {
        RuleSet r = rules("""
                lists:
                  vips: [M-7]
                traits:
                  visits: { count: store_visit, within: 30d }
                segments:
                  listed: { when: { visit.uid: { $inGroup: vips } } }
                  regular: { when: { traits.visits: { $gte: 2 } } }
                  listed_regular: { when: { segments: { $all: [listed, regular] } } }
                campaigns:
                  - { id: thanks, slot: hero, when: { segments: { $elemMatch: { $eq: listed_regular } } }, content: { template: banner } }
                """);
        Profile p = Profile.builder("M-7")
                .event(event("store_visit", DAY, "store_id", "a"))
                .event(event("store_visit", 2 * DAY, "store_id", "b"))
                .build();
        assertEquals("thanks", only(r.decide(p, Map.of(), Map.of("uid", "M-7"), List.of("hero"), NOW, ImpressionCounts.NONE), "hero"));
        assertNull(only(r.decide(p, Map.of(), Map.of("uid", "M-8"), List.of("hero"), NOW, ImpressionCounts.NONE), "hero"));
        List<String> members = r.explain(p, Map.of(), Map.of("uid", "M-7"), null, NOW, ImpressionCounts.NONE)
                .segments().stream().filter(Explanation.SegmentResult::member).map(Explanation.SegmentResult::id).toList();
        assertEquals(List.of("listed", "regular", "listed_regular"), members);
    }
}
