package io.tsunagu.rules;

import java.util.Map;

/**
 * What to show in one slot: the campaign, the visitor's variant and its rendered content. A holdout
 * (control) variant has no content: nothing is shown, but the decision is still reported so that
 * results can compare it with the variants that were shown.
 *
 * <p>{@code contentJson} is the content already written as JSON when it is the same for everyone
 * (no placeholders), so that servers copy it instead of serializing it per request; else null.
 */
public record Decision(String slot, String campaign, String variant, Map<String, Object> content, String contentJson) {

    /** A decision whose content (if any) is written as JSON by the caller. */
    public Decision(String slot, String campaign, String variant, Map<String, Object> content) {
        this(slot, campaign, variant, content, null);
    }

    public boolean isControl() {
        return content == null;
    }
}
