package io.tsunagu.rules.content;

import java.util.List;

/**
 * What a {@code recommend} content asks for: a strategy and its options, checked when the rules load.
 * The server fills the items ({@link ContentResolver}); the rules only carry the request.
 *
 * @param strategy one of {@link #STRATEGIES}
 * @param limit at most this many items
 * @param lookbackMs how far back purchases count (brands, seeds, repeat purchases)
 * @param excludePurchased leave out what the customer already bought (never for repeat_purchase)
 * @param fallback the strategy that fills the list when this one finds fewer than {@code minResults}, or null
 * @param minResults fewer items than this and the fallback runs; with no items at all the campaign does
 *     not show and the slot goes on to the next campaign
 * @param dueAfter repeat_purchase: an item is due once this many of its usual intervals have passed
 */
public record RecommendSpec(String strategy, int limit, long lookbackMs, boolean excludePurchased, String fallback,
        int minResults, double dueAfter) {

    public static final List<String> STRATEGIES = List.of("same_brand_new", "bought_together", "recently_viewed",
            "repeat_purchase", "popular_in_category");

    /** The option keys a recommend content may carry besides its display fields. */
    static final List<String> OPTIONS = List.of("strategy", "limit", "lookback", "exclude_purchased", "fallback",
            "min_results", "due_after");

    public static final int MAX_LIMIT = 50;
    public static final long DEFAULT_LOOKBACK_MS = 365L * 24 * 3600 * 1000;

    /** The same request with another strategy (for a fallback), keeping the other options. */
    public RecommendSpec with(String otherStrategy) {
        return new RecommendSpec(otherStrategy, limit, lookbackMs, excludePurchased && !otherStrategy.equals("repeat_purchase"),
                null, minResults, dueAfter);
    }
}
