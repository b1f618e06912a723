package io.tsunagu.rules;

import java.util.Map;

/**
 * What to show in one slot: the campaign, the visitor's variant and its rendered content. A holdout
 * (control) variant has no content: nothing is shown, but the decision is still reported so that
 * results can compare it with the variants that were shown.
 */
public record Decision(String slot, String campaign, String variant, Map<String, Object> content) {

    public boolean isControl() {
        return content == null;
    }
}
