package io.tsunagu.server.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.server.Metrics;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestClient;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The near-cache against a real Redis: what another instance (or the loader) changed is never hidden by it. */
class ProfileServiceTest {

    static TestClient client;

    @BeforeAll
    static void connect() {
        client = new TestClient();
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close();
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static ProfileService service(RedisProfileStore store) {
        return new ProfileService(store, new Identity("secret"), () -> ProfilePolicy.DEFAULT, new Metrics(), "test",
                Duration.ofMillis(500), 1_000, Duration.ofMinutes(5));
    }

    @Test
    void aSnapshotReadBeforeAChange_isNotCachedAfterTheChangeDroppedIt() throws Exception {
        // Regression: a request that had read the profile before another instance changed it recorded its
        // page view into the cache after the change message had dropped the entry — putting the old
        // snapshot back, so the change stayed unseen until the entry expired.
        RedisProfileStore store = client.store(TestRedis.prefix());
        ProfileService profiles = service(store);
        long now = System.currentTimeMillis();
        Profile before = await(profiles.profile("M-race"));
        ProfileService.Visitor v = new ProfileService.Visitor("M-race", "V-race", "M-race", true, before, false);

        // Another instance stores a visit and says so; this instance drops its copy.
        await(store.apply("M-race", List.of(new Event("visit-1", "store_visit", now - 1_000, Map.of("store_id", "ginza"))),
                ProfilePolicy.DEFAULT, now));
        profiles.invalidate("M-race");

        // The request that read before the change now records its page view.
        Profile answered = profiles.record(v, List.of(new Event("pv-1", "page_view", now, Map.of())), now);
        assertEquals(1, answered.events("page_view").length, "the request itself sees its page view");

        Profile next = await(profiles.profile("M-race"));
        assertEquals(1, next.events("store_visit").length, "the next request sees the other instance's change");
    }
}
