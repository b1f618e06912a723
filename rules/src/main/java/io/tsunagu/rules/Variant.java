package io.tsunagu.rules;

import io.tsunagu.rules.content.Content;

/** One arm of a campaign: its share of visitors and its content (null for a holdout/control). */
public record Variant(String id, double weight, Content content) {
}
