package io.tsunagu.rules.trait;

import static io.tsunagu.rules.testing.TestRules.DAY;
import static io.tsunagu.rules.testing.TestRules.HOUR;
import static io.tsunagu.rules.testing.TestRules.NOW;
import static io.tsunagu.rules.testing.TestRules.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.testing.TestRules;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every trait kind on a small, hand-checked timeline. */
class TraitTest {

    private static final RuleSet RULES = TestRules.rules("""
            traits:
              visits:          { count: store_visit }
              visits_30d:      { count: store_visit, within: 30d }
              visits_12h:      { count: store_visit, within: 12h }
              shibuya_30d:     { count: store_visit, within: 30d, where: { store_id: shibuya } }
              store_purchases: { count: purchase, where: { channel: store } }
              big_purchases:   { count: purchase, where: { amount: { $gte: 10000 } } }
              spend:           { sum: purchase.amount }
              spend_30d:       { sum: purchase.amount, within: 30d }
              cheapest:        { min: purchase.amount }
              dearest:         { max: purchase.amount }
              first_purchase:  { first: purchase }
              last_purchase:   { last: purchase }
              first_store:     { first: store_visit.store_id }
              last_store:      { last: store_visit.store_id }
              stores:          { distinct: store_visit.store_id }
              top_brands:      { top: purchase.brand, n: 2 }
              top_tags:        { top: page_view.tags, n: 3 }
              no_views:        { count: page_view, within: 1d }
              never_min:       { min: email_open.score }
              visit_then_signup:   { sequence: [store_visit, signup] }
              signup_then_visit:   { sequence: [signup, store_visit] }
              quick_convert:   { sequence: [store_visit, signup], span: 2d }
              shibuya_then_buy: { sequence: [{ event: store_visit, where: { store_id: shibuya } }, purchase] }
              two_visits:      { sequence: [store_visit, store_visit] }
            """);

    private static final Profile PROFILE = Profile.builder("M-1")
            .event(event("store_visit", 40 * DAY, "store_id", "ginza"))
            .event(event("store_visit", 20 * DAY, "store_id", "shibuya"))
            .event(event("store_visit", 5 * DAY, "store_id", "shibuya"))
            .event(event("store_visit", 2 * HOUR, "store_id", "umeda"))
            .event(event("signup", 4 * DAY))
            .event(event("purchase", 60 * DAY, "channel", "store", "brand", "kumo", "amount", 12000))
            .event(event("purchase", 10 * DAY, "channel", "web", "brand", "hoshi", "amount", 3000))
            .event(event("purchase", 3 * DAY, "channel", "store", "brand", "kumo", "amount", "4500"))
            .event(event("page_view", 3 * DAY, "tags", List.of("sale", "coat")))
            .event(event("page_view", 2 * DAY, "tags", List.of("coat")))
            .event(event("store_visit", -2 * DAY, "store_id", "future"))
            .build();

    private static final Map<String, Object> VALUES = RULES.traitValues(PROFILE, NOW);

    @Test
    void count_countsEventsOfTheTypeUpToNow() {
        assertEquals(4L, VALUES.get("visits"), "the reservation two days ahead is not counted yet");
    }

    @Test
    void count_within_keepsTheWindow() {
        assertEquals(3L, VALUES.get("visits_30d"));
        assertEquals(1L, VALUES.get("visits_12h"));
        assertEquals(0L, VALUES.get("no_views"));
    }

    @Test
    void count_where_filtersOnEventProperties() {
        assertEquals(2L, VALUES.get("shibuya_30d"));
        assertEquals(2L, VALUES.get("store_purchases"));
        assertEquals(1L, VALUES.get("big_purchases"));
    }

    @Test
    void sum_addsNumbersAndNumericStrings() {
        assertEquals(19500.0, VALUES.get("spend"));
        assertEquals(7500.0, VALUES.get("spend_30d"));
    }

    @Test
    void minMax_takeExtremes_orNullWithoutEvents() {
        assertEquals(3000.0, VALUES.get("cheapest"));
        assertEquals(12000.0, VALUES.get("dearest"));
        assertNull(VALUES.get("never_min"));
    }

    @Test
    void firstLast_ofATypeAreTimes_ofAPropertyAreValues() {
        assertEquals(NOW - 60 * DAY, VALUES.get("first_purchase"));
        assertEquals(NOW - 3 * DAY, VALUES.get("last_purchase"));
        assertEquals("ginza", VALUES.get("first_store"));
        assertEquals("umeda", VALUES.get("last_store"));
    }

    @Test
    void distinct_countsDifferentValues() {
        assertEquals(3L, VALUES.get("stores"));
    }

    @Test
    void top_ranksByFrequency_thenRecency_andSplitsLists() {
        assertEquals(List.of("kumo", "hoshi"), VALUES.get("top_brands"));
        assertEquals(List.of("coat", "sale"), VALUES.get("top_tags"));
    }

    @Test
    void sequence_needsTheOrder() {
        assertEquals(true, VALUES.get("visit_then_signup"));
        assertEquals(true, VALUES.get("signup_then_visit"), "signup 4 days ago, then visits 2 hours ago");
        assertEquals(true, VALUES.get("shibuya_then_buy"));
        assertEquals(true, VALUES.get("two_visits"));
    }

    @Test
    void sequence_span_limitsFirstToLast() {
        // store visit 5 days ago, signup 4 days ago: one day apart.
        assertEquals(true, VALUES.get("quick_convert"));
        Profile slow = Profile.builder("M-2")
                .event(event("store_visit", 20 * DAY, "store_id", "ginza"))
                .event(event("signup", 4 * DAY))
                .build();
        assertEquals(false, RULES.traitValues(slow, NOW).get("quick_convert"));
        assertEquals(true, RULES.traitValues(slow, NOW).get("visit_then_signup"));
    }

    @Test
    void sequence_ofTheSameTypeNeedsTwoEvents() {
        Profile once = Profile.builder("M-3").event(event("store_visit", DAY, "store_id", "ginza")).build();
        assertEquals(false, RULES.traitValues(once, NOW).get("two_visits"));
    }

    @Test
    void sequence_inReverseOrderDoesNotHold() {
        Profile reversed = Profile.builder("M-4")
                .event(event("signup", 10 * DAY))
                .event(event("store_visit", 2 * DAY, "store_id", "ginza"))
                .build();
        assertEquals(false, RULES.traitValues(reversed, NOW).get("visit_then_signup"));
    }

    @Test
    void emptyProfile_givesZeroesNullsAndFalse() {
        Map<String, Object> v = RULES.traitValues(Profile.empty("anon"), NOW);
        assertEquals(0L, v.get("visits"));
        assertEquals(0.0, v.get("spend"));
        assertNull(v.get("last_store"));
        assertEquals(0L, v.get("stores"));
        assertEquals(List.of(), v.get("top_brands"));
        assertEquals(false, v.get("visit_then_signup"));
    }

    @Test
    void storedProfile_readsTheSameAsTheEvents() {
        List<Event> events = List.of(PROFILE.events());
        Profile stored = ProfilePolicy.DEFAULT.apply("M-1", Map.of(), events, NOW);
        assertEquals(VALUES, RULES.traitValues(stored, NOW));
    }
}
