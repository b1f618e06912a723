package io.tsunagu.rules;

import io.tsunagu.rules.profile.EventRun;
import io.tsunagu.rules.profile.Interner;
import io.tsunagu.rules.profile.Profile;

/**
 * How often a visitor has been shown a campaign since a time; the caller knows (from the profile's
 * impression events, or a counter of its own). Frequency caps ask this.
 */
@FunctionalInterface
public interface ImpressionCounts {

    /** A visitor who has seen nothing. */
    ImpressionCounts NONE = (campaign, since) -> 0;

    /** Impressions of {@code campaign} at or after {@code since} (epoch ms). */
    int impressions(String campaign, long since);

    /** Counts the profile's {@code impression} events whose {@code campaign} property names the campaign. */
    static ImpressionCounts fromProfile(Profile profile) {
        String name = Interner.name("campaign"); // the instance events hold: found by identity
        return (campaign, since) -> {
            EventRun run = profile.run("impression");
            long[] times = run.times();
            Object[] campaigns = null;
            int n = 0;
            for (int i = run.to() - 1; i >= run.from() && times[i] >= since; i--) {
                if (campaigns == null) {
                    campaigns = run.column(name); // only when an impression is in the window
                }
                if (campaign.equals(campaigns[i])) {
                    n++;
                }
            }
            return n;
        };
    }
}
