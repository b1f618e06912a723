package io.tsunagu.rules.cli;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.Loc;
import java.util.List;
import java.util.Map;

/**
 * One marketer test: a profile, a page and a moment, and what each slot should show.
 *
 * @param expectations slot → expected campaign (or campaign/variant, or null for nothing)
 * @param impressions campaign → impressions already seen, or null to count the profile's impression events
 */
record Fixture(String file, String name, Loc loc, long now, String profileId, Map<String, Object> attributes,
        List<Event> events, Map<String, Object> page, Map<String, Object> visit, List<String> slots,
        List<Expectation> expectations, Map<String, Integer> impressions) {

    /** What one slot, segment or trait should be. */
    sealed interface Expectation {
        Loc loc();
    }

    /** {@code hero: campaign[/variant]} or {@code hero: none}. */
    record SlotExpectation(String slot, String campaign, String variant, Loc loc) implements Expectation {
        String describe() {
            return campaign == null ? "none" : variant == null ? campaign : campaign + "/" + variant;
        }
    }

    /** {@code segments: [...]} (member) or {@code not_segments: [...]} (not a member). */
    record SegmentExpectation(String segment, boolean member, Loc loc) implements Expectation {
    }

    /** {@code traits: { name: value }}. */
    record TraitExpectation(String trait, Object value, Loc loc) implements Expectation {
    }
}
