package io.tsunagu.rules;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.source.Loc;
import java.util.List;

/**
 * A campaign: what to show in a slot, to whom and when. Among the campaigns of a slot, the one with
 * the highest priority (then the one declared first) whose schedule, frequency cap and condition
 * hold wins the slot.
 *
 * @param from first moment it runs (epoch ms, inclusive), or Long.MIN_VALUE
 * @param to moment it stops (epoch ms, exclusive), or Long.MAX_VALUE
 * @param cap frequency cap, or null
 * @param seed what variants are bucketed by, with the visitor's id (the campaign id unless set)
 */
public record Campaign(String id, String description, String slot, int priority, boolean enabled, long from, long to,
        FrequencyCap cap, Condition when, String seed, List<Variant> variants, Loc loc) {

    public Campaign {
        variants = List.copyOf(variants);
    }

    /** The visitor's variant: stable for the same seed and visitor id. */
    public Variant variantFor(String visitorId) {
        if (variants.size() == 1) {
            return variants.get(0);
        }
        double total = 0;
        for (Variant v : variants) {
            total += v.weight();
        }
        double n = Bucketing.hash(seed, visitorId, 2);
        double cumulative = 0;
        for (Variant v : variants) {
            cumulative += v.weight() / total;
            if (n < cumulative) {
                return v;
            }
        }
        return variants.get(variants.size() - 1);
    }

    public boolean scheduledAt(long now) {
        return now >= from && now < to;
    }
}
