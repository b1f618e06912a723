package io.tsunagu.rules.content;

import io.tsunagu.rules.profile.Profile;
import java.util.Map;

/**
 * Completes content with what the rules do not hold: the products a {@code recommend} content shows,
 * the code a {@code coupon} draws from a pool. Called only for such content ({@link Content#needsResolving}),
 * and only for a campaign whose condition holds; when it cannot fill the content the campaign does not
 * show and the slot goes on to the next campaign.
 */
@FunctionalInterface
public interface ContentResolver {

    /** Leaves content as the rules rendered it (rule fixtures and the CLI, which have no catalog). */
    ContentResolver NONE = (content, rendered, profile, page, visit, now) -> Resolution.show(rendered);

    /**
     * @param rendered the content with its placeholders filled; the resolver may add to it
     */
    Resolution resolve(Content content, Map<String, Object> rendered, Profile profile, Map<String, ?> page,
            Map<String, ?> visit, long now);

    /** The content to show, or why nothing can be shown. */
    record Resolution(Map<String, Object> content, String unavailable) {

        public static Resolution show(Map<String, Object> content) {
            return new Resolution(content, null);
        }

        public static Resolution unavailable(String why) {
            return new Resolution(null, why);
        }

        public boolean shown() {
            return content != null;
        }
    }
}
