package io.tsunagu.rules;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.Js;
import io.tsunagu.rules.condition.Path;
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
 * @param seed hashed with the visitor's id to pick a variant (the campaign id unless set)
 * @param bucketBy the document path whose value identifies the visitor for bucketing (e.g.
 *     {@code visit.vid}), or null for the profile id
 */
public record Campaign(String id, String description, String slot, int priority, boolean enabled, long from, long to,
        FrequencyCap cap, Condition when, String seed, Path bucketBy, List<Variant> variants, Loc loc) {

    public Campaign {
        variants = List.copyOf(variants);
    }

    /**
     * Who the visitor is for bucketing: the value at {@code bucketBy} in the document, else the
     * profile id (the member id once signed in, else the browser's visitor id).
     */
    String bucketId(Object document, String profileId) {
        if (bucketBy != null) {
            Object v = bucketBy.resolve(document);
            if (v != null && !(v instanceof String s && s.isEmpty())) {
                return Js.toStr(v);
            }
        }
        return profileId;
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
