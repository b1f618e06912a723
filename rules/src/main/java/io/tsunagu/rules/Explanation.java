package io.tsunagu.rules;

import io.tsunagu.rules.condition.Failure;
import java.util.List;
import java.util.Map;

/**
 * Why a visitor gets what they get: every trait's value, every segment with (for a non-member) the
 * first clause that failed, and every campaign's outcome with, for a miss, its reason.
 */
public record Explanation(String profile, long now, Map<String, Object> traits, List<SegmentResult> segments,
        List<CampaignResult> campaigns) {

    public enum Outcome {
        /** Won its slot. */
        SELECTED,
        /** Everything held, but a campaign ranked higher took the slot. */
        OUTRANKED,
        /** The page did not ask for its slot. */
        SLOT_NOT_REQUESTED,
        DISABLED,
        NOT_STARTED,
        ENDED,
        CAPPED,
        CONDITION_FAILED,
        /** Everything held, but its content could not be filled (no recommendations, coupon pool exhausted). */
        CONTENT_UNAVAILABLE
    }

    public record SegmentResult(String id, boolean member, Failure failure) {
    }

    /**
     * @param variant the visitor's variant, for SELECTED and OUTRANKED
     * @param reason a sentence saying why, for anything but SELECTED
     * @param failure the first failed clause, for CONDITION_FAILED
     */
    public record CampaignResult(String id, String slot, int priority, Outcome outcome, String variant, String reason,
            Failure failure) {
    }

    public CampaignResult campaign(String id) {
        for (CampaignResult c : campaigns) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }
}
