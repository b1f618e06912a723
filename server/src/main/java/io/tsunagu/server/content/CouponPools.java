package io.tsunagu.server.content;

import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unique coupon codes from pools the loader imported. A member keeps the code they got (the store's
 * claim script hands out each code once). Pools found empty are remembered, so that their campaigns
 * stop matching without a Redis call, until codes are imported again.
 */
public final class CouponPools {

    private final RedisProfileStore store;
    private final Set<String> exhausted = ConcurrentHashMap.newKeySet();

    public CouponPools(RedisProfileStore store) {
        this.store = store;
    }

    /** Whether the pool was found empty (since codes were last imported). */
    public boolean exhausted(String pool) {
        return exhausted.contains(pool);
    }

    /** Codes were imported: any pool may have codes again. */
    public void poolsChanged() {
        exhausted.clear();
    }

    /** The member's code from the pool; null (and the pool remembered as empty) when none is left. */
    public Future<String> claim(String pool, String member) {
        return store.claimCoupon(pool, member).map(code -> {
            if (code == null) {
                exhausted.add(pool);
            }
            return code;
        });
    }
}
