package io.tsunagu.rules;

/** At most {@code impressions} per visitor per {@code per} milliseconds (or in a lifetime, when per is -1). */
public record FrequencyCap(int impressions, long per) {

    public boolean allows(String campaign, long now, ImpressionCounts counts) {
        long since = per < 0 ? Long.MIN_VALUE : now - per;
        return counts.impressions(campaign, since) < impressions;
    }
}
