package io.tsunagu.server;

import io.tsunagu.server.catalog.CatalogHolder;
import io.tsunagu.server.config.ServerConfig;
import io.tsunagu.server.content.CouponPools;
import io.tsunagu.server.profile.ProfileService;
import io.tsunagu.server.profile.WriteBehind;
import io.tsunagu.store.RedisProfileStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * What the HTTP verticles share: all thread-safe. Each verticle adds its own {@link WriteBehind}
 * (one per event loop) to {@code writers}, so health checks and shutdown see all of them.
 */
public record Components(ServerConfig config, RulesHolder rules, ProfileService profiles, RedisProfileStore store,
        CatalogHolder catalog, CouponPools coupons, Metrics metrics, BooleanSupplier redisUp, String origin,
        List<WriteBehind> writers) {

    public Components(ServerConfig config, RulesHolder rules, ProfileService profiles, RedisProfileStore store,
            CatalogHolder catalog, CouponPools coupons, Metrics metrics, BooleanSupplier redisUp, String origin) {
        this(config, rules, profiles, store, catalog, coupons, metrics, redisUp, origin, new CopyOnWriteArrayList<>());
    }

    /** Events queued for Redis, over all event loops. */
    public long bufferedEvents() {
        long n = 0;
        for (WriteBehind w : writers) {
            n += w.size();
        }
        return n;
    }

    /** Whether every event loop's last write batch reached Redis. */
    public boolean writesHealthy() {
        for (WriteBehind w : writers) {
            if (!w.isHealthy()) {
                return false;
            }
        }
        return true;
    }
}
