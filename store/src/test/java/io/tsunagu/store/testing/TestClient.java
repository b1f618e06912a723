package io.tsunagu.store.testing;

import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x and a Redis client on the shared test Redis, for one test class: made in its
 * {@code @BeforeAll}, closed in its {@code @AfterAll}.
 */
public final class TestClient implements AutoCloseable {

    public final Vertx vertx = Vertx.vertx();
    public final Redis redis = Redis.createClient(vertx, TestRedis.shared().url());

    /** A store on the given key prefix (one from {@link TestRedis#prefix()}, so that tests keep apart). */
    public RedisProfileStore store(String prefix) {
        return new RedisProfileStore(redis, new ProfileKeys(prefix));
    }

    @Override
    public void close() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
