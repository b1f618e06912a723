package io.tsunagu.server;

import io.tsunagu.server.config.ServerConfig;
import io.tsunagu.server.profile.ProfileService;
import io.tsunagu.server.profile.WriteBehind;
import io.tsunagu.store.RedisProfileStore;
import java.util.function.BooleanSupplier;

/** What the HTTP verticles share: all thread-safe. */
public record Components(ServerConfig config, RulesHolder rules, ProfileService profiles, WriteBehind writes,
        RedisProfileStore store, Metrics metrics, BooleanSupplier redisUp) {
}
