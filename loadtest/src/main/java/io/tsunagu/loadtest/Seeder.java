package io.tsunagu.loadtest;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Members with an offline history, written straight into Redis through the store (as the loader
 * will): store visits, store and web purchases, page views and e-mail opens over the last 400 days,
 * plus CRM attributes.
 */
final class Seeder {

    private static final long DAY = 86_400_000L;
    private static final List<String> STORES = List.of("shibuya", "shibuya", "ginza", "shinjuku", "umeda", "sapporo");
    private static final List<String> RANKS = List.of("bronze", "bronze", "silver", "silver", "gold", "platinum");
    private static final List<String> REGIONS = List.of("tokyo", "tokyo", "osaka", "kyoto", "fukuoka");

    private Seeder() {
    }

    /** Writes {@code members} members of {@code eventsEach} events; returns the events written. */
    static long seed(String redisUrl, String prefix, int members, int eventsEach, ProfilePolicy policy) throws Exception {
        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
                .setProtocolNegotiation(false).setMaxPoolSize(4).setMaxPoolWaiting(10_000));
        try {
            RedisProfileStore store = new RedisProfileStore(redis, new ProfileKeys(prefix));
            await(store.prepare());
            long now = System.currentTimeMillis();
            Random r = new Random(42);
            long written = 0;
            List<Request> batch = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                String uid = Workload.memberId(m);
                List<Event> events = history(r, uid, eventsEach, now);
                batch.add(store.applyRequest(uid, events, policy, now));
                Request attrs = store.attributesRequest(uid, attributes(r, m));
                if (attrs != null) {
                    batch.add(attrs);
                }
                written += events.size();
                if (batch.size() >= 200) {
                    await(store.batch(batch));
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                await(store.batch(batch));
            }
            return written;
        } finally {
            redis.close();
            vertx.close();
        }
    }

    private static List<Event> history(Random r, String uid, int n, long now) {
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long ts = now - (long) (r.nextDouble() * 400 * DAY);
            Map<String, Object> props = new LinkedHashMap<>();
            String type;
            double kind = r.nextDouble();
            if (kind < 0.35) {
                type = "page_view";
                props.put("brand", Workload.BRANDS.get(r.nextInt(Workload.BRANDS.size())));
                props.put("category", Workload.CATEGORIES.get(r.nextInt(Workload.CATEGORIES.size())));
                props.put("page_type", "product");
            } else if (kind < 0.6) {
                type = "purchase";
                boolean store = r.nextDouble() < 0.6;
                props.put("channel", store ? "store" : "web");
                if (store) {
                    props.put("store_id", STORES.get(r.nextInt(STORES.size())));
                }
                props.put("brand", Workload.BRANDS.get(r.nextInt(3)));
                props.put("amount", 2_000 + 500 * r.nextInt(60));
            } else if (kind < 0.85) {
                type = "store_visit";
                props.put("store_id", STORES.get(r.nextInt(STORES.size())));
            } else {
                type = "email_open";
                props.put("mailing", "nl-" + r.nextInt(50));
            }
            events.add(new Event(uid + "-" + i, type, ts, props));
        }
        return events;
    }

    private static Map<String, Object> attributes(Random r, int m) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("member_rank", RANKS.get(r.nextInt(RANKS.size())));
        a.put("first_name", "Member" + m);
        a.put("region", REGIONS.get(r.nextInt(REGIONS.size())));
        a.put("age", 18 + r.nextInt(60));
        a.put("newsletter", r.nextBoolean());
        return a;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
