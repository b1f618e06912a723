package io.tsunagu.loader;

import io.tsunagu.recs.ModelBuilder;
import io.tsunagu.recs.RecsModel;
import io.tsunagu.recs.Shopper;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tsunagu loader build-recs}: reads every profile's purchases (store and web) from Redis, builds
 * the co-purchase model and popularity ({@link ModelBuilder}), stores it, and tells the servers, which
 * load it within a second.
 */
public final class RecsBuild {

    /** What a build did. */
    public record Summary(int profiles, int purchases, RecsModel model, long millis) {
    }

    private static final int SCAN_COUNT = 1_000;
    private static final long TIMEOUT_S = 120;

    private final RedisProfileStore store;
    private final ZoneId zone;
    private final ModelBuilder.Settings settings;
    private final String origin;

    public RecsBuild(RedisProfileStore store, ZoneId zone, ModelBuilder.Settings settings, String origin) {
        this.store = store;
        this.zone = zone;
        this.settings = settings;
        this.origin = origin;
    }

    public Summary run() throws Exception {
        long t0 = System.nanoTime();
        ModelBuilder builder = new ModelBuilder(zone, settings);
        ProfileKeys keys = store.keys();
        String pattern = keys.prefix() + ":{*}:e:purchase";
        String cursor = "0";
        int profiles = 0;
        do {
            Response page = await(store.batch(List.of(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern)
                    .arg("COUNT").arg(SCAN_COUNT))).map(rs -> rs.get(0)));
            cursor = page.get(0).toString();
            Response found = page.get(1);
            List<Request> reads = new ArrayList<>(found.size());
            List<String> ids = new ArrayList<>(found.size());
            for (Response key : found) {
                String k = key.toString();
                reads.add(Request.cmd(Command.ZRANGE).arg(k).arg(0).arg(-1));
                ids.add(k.substring(k.indexOf('{') + 1, k.lastIndexOf('}')));
            }
            if (reads.isEmpty()) {
                continue;
            }
            List<Response> events = await(store.batch(reads));
            for (int i = 0; i < events.size(); i++) {
                profiles++;
                for (Response member : events.get(i)) {
                    Event e = EventCodec.decode(member.toBytes());
                    if (e.prop("product_id") instanceof String product && !Shopper.isReturn(e)) {
                        builder.add(ids.get(i), e.ts(), product, e.prop("category") instanceof String c ? c : null);
                    }
                }
            }
        } while (!cursor.equals("0"));
        RecsModel model = builder.build(System.currentTimeMillis());
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        model.write(out);
        await(store.setRecsModel(out.toByteArray()));
        await(store.publishChanges(origin, List.of(ProfileKeys.RECS_CHANGED)));
        return new Summary(profiles, builder.purchases(), model, (System.nanoTime() - t0) / 1_000_000);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }
}
