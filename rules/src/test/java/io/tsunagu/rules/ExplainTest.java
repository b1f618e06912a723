package io.tsunagu.rules;

import static io.tsunagu.rules.testing.TestRules.DAY;
import static io.tsunagu.rules.testing.TestRules.HOUR;
import static io.tsunagu.rules.testing.TestRules.NOW;
import static io.tsunagu.rules.testing.TestRules.event;
import static io.tsunagu.rules.testing.TestRules.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tsunagu.rules.Explanation.Outcome;
import io.tsunagu.rules.condition.Failure;
import io.tsunagu.rules.profile.Profile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** explain(): each campaign's outcome and, for a miss, the first clause that failed and the value it saw. */
class ExplainTest {

    private static final RuleSet RULES = rules("""
            traits:
              visits_30d: { count: store_visit, within: 30d }
              last_store: { last: store_visit.store_id }
            segments:
              recent_visitor: { when: { traits.visits_30d: { $gte: 1 } } }
              shibuya: { when: { segments: { $elemMatch: { $eq: recent_visitor } }, traits.last_store: shibuya } }
            campaigns:
              - id: shibuya-coupon
                slot: hero
                priority: 10
                when:
                  page.type: product
                  segments: { $elemMatch: { $eq: shibuya } }
                content: { template: coupon, code: X }
              - { id: everyone, slot: hero, content: { template: banner } }
              - { id: runner-up, slot: hero, priority: -1, content: { template: banner } }
              - { id: paused, slot: hero, enabled: false, content: { template: banner } }
              - { id: later, slot: hero, schedule: { from: 2030-01-01 }, content: { template: banner } }
              - { id: over, slot: hero, schedule: { to: 2020-01-01 }, content: { template: banner } }
              - { id: capped, slot: hero, priority: 20, cap: { impressions: 1, per: 1d }, content: { template: banner } }
              - { id: side, slot: sidebar, content: { template: banner } }
            """);

    private static Explanation explain(Profile p, Map<String, ?> page) {
        Profile seen = p.toBuilder().event(event("impression", HOUR, "campaign", "capped")).build();
        return RULES.explain(seen, page, Map.of(), List.of("hero"), NOW, ImpressionCounts.fromProfile(seen));
    }

    @Test
    void everyOutcome_hasItsReason() {
        Explanation e = explain(Profile.empty("V-1"), Map.of("type", "home"));
        assertEquals(Outcome.SELECTED, e.campaign("everyone").outcome());
        assertNull(e.campaign("everyone").reason());
        assertEquals("default", e.campaign("everyone").variant());
        assertEquals(Outcome.OUTRANKED, e.campaign("runner-up").outcome());
        assertEquals("slot \"hero\" went to everyone", e.campaign("runner-up").reason());
        assertEquals(Outcome.DISABLED, e.campaign("paused").outcome());
        assertEquals(Outcome.NOT_STARTED, e.campaign("later").outcome());
        assertEquals("starts 2030-01-01T00:00:00Z", e.campaign("later").reason());
        assertEquals(Outcome.ENDED, e.campaign("over").outcome());
        assertEquals(Outcome.CAPPED, e.campaign("capped").outcome());
        assertEquals("seen 1 times already within 1d", e.campaign("capped").reason());
        assertEquals(Outcome.SLOT_NOT_REQUESTED, e.campaign("side").outcome());
    }

    @Test
    void conditionFailure_namesTheFirstFailingClause_withItsLocationAndValue() {
        Explanation e = explain(Profile.empty("V-1"), Map.of("type", "home"));
        Explanation.CampaignResult r = e.campaign("shibuya-coupon");
        assertEquals(Outcome.CONDITION_FAILED, r.outcome());
        Failure f = r.failure();
        assertEquals("page.type: \"product\"", f.clause());
        assertEquals("home", f.actual());
        assertEquals("rules.yaml:12:7", f.loc().toString());
        assertEquals("condition failed: page.type: \"product\" (was \"home\") at rules.yaml:12:7", r.reason());
    }

    @Test
    void aFailedSegmentTest_isExplainedByTheSegmentsOwnFailure() {
        Profile ginza = Profile.builder("M-1").event(event("store_visit", 2 * DAY, "store_id", "ginza")).build();
        Explanation e = explain(ginza, Map.of("type", "product"));
        Failure f = e.campaign("shibuya-coupon").failure();
        assertEquals("segments: {\"$elemMatch\":{\"$eq\":\"shibuya\"}}", f.clause());
        assertEquals(List.of("recent_visitor"), f.actual());
        assertEquals(1, f.causes().size());
        assertEquals("segment shibuya: traits.last_store: \"shibuya\"", f.causes().get(0).clause());
        assertEquals("ginza", f.causes().get(0).actual());
    }

    @Test
    void segmentsAndTraits_areListedWithWhy() {
        Explanation e = explain(Profile.empty("V-1"), Map.of());
        assertEquals(Map.of("visits_30d", 0L), Map.of("visits_30d", e.traits().get("visits_30d")));
        Explanation.SegmentResult recent = e.segments().get(0);
        assertEquals("recent_visitor", recent.id());
        assertEquals(false, recent.member());
        assertEquals("traits.visits_30d: {\"$gte\":1} (was 0) at rules.yaml:5:29", recent.failure().toString());
    }

    @Test
    void selectedCampaign_whenItsConditionHolds() {
        Profile shibuya = Profile.builder("M-1").event(event("store_visit", 2 * DAY, "store_id", "shibuya")).build();
        Explanation e = explain(shibuya, Map.of("type", "product"));
        assertEquals(Outcome.SELECTED, e.campaign("shibuya-coupon").outcome());
        assertEquals(Outcome.OUTRANKED, e.campaign("everyone").outcome());
    }
}
