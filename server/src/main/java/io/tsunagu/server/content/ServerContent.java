package io.tsunagu.server.content;

import io.tsunagu.recs.Catalog;
import io.tsunagu.recs.Recommender;
import io.tsunagu.recs.Shopper;
import io.tsunagu.rules.content.Content;
import io.tsunagu.rules.content.ContentResolver;
import io.tsunagu.rules.content.RecommendSpec;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.store.ProfileKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fills one request's content: recommended products from the live catalog and model, and coupon codes
 * from pools. A member who already got a code from a pool has it in their profile; anyone else's code
 * is a {@link Claim} the caller makes in Redis after deciding (the content's {@code code} is set then).
 * Not thread-safe: one per request.
 */
public final class ServerContent implements ContentResolver {

    /** A code to draw from a pool for a decision's content. */
    public record Claim(String pool, Map<String, Object> content) {
    }

    private final Recommender recommender;
    private final CouponPools pools;
    private final List<Claim> claims = new ArrayList<>(0);
    private Shopper shopper;

    public ServerContent(Recommender recommender, CouponPools pools) {
        this.recommender = recommender;
        this.pools = pools;
    }

    /** The codes to claim for the decisions made with this resolver. */
    public List<Claim> claims() {
        return claims;
    }

    @Override
    public Resolution resolve(Content content, Map<String, Object> rendered, Profile profile, Map<String, ?> page,
            Map<String, ?> visit, long now) {
        if (content.recommend() != null) {
            return recommend(content.recommend(), rendered, profile, page, now);
        }
        if (content.pool() != null) {
            return coupon(content.pool(), rendered, profile, visit);
        }
        return Resolution.show(rendered);
    }

    private Resolution recommend(RecommendSpec spec, Map<String, Object> rendered, Profile profile, Map<String, ?> page,
            long now) {
        if (shopper == null) {
            shopper = Shopper.of(profile, page, now);
        }
        Recommender.Result r = recommender.recommend(spec, shopper);
        if (r.isEmpty()) {
            return Resolution.unavailable("no products to recommend (" + r.why() + ")");
        }
        List<Map<String, Object>> items = new ArrayList<>(r.items().size());
        for (Catalog.Product p : r.items()) {
            items.add(Recommender.item(p));
        }
        rendered.put("strategy", r.strategy());
        rendered.put("items", items);
        return Resolution.show(rendered);
    }

    private Resolution coupon(String pool, Map<String, Object> rendered, Profile profile, Map<String, ?> visit) {
        if (!(visit.get("uid") instanceof String)) {
            return Resolution.unavailable("codes of pool " + pool + " go to signed-in members only");
        }
        if (profile.attributes().get(ProfileKeys.couponAttribute(pool)) instanceof String code) {
            rendered.put("code", code);
            return Resolution.show(rendered);
        }
        if (pools.exhausted(pool)) {
            return Resolution.unavailable("coupon pool " + pool + " has no codes left");
        }
        claims.add(new Claim(pool, rendered));
        return Resolution.show(rendered);
    }
}
