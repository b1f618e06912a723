package io.tsunagu.store;

import io.tsunagu.rules.profile.AggregateUpdate;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts profiles stored in format 1 — aggregates counting every stored event, events stored without
 * their compact updates — to format 2, where the aggregates hold only trimmed events (see apply.lua).
 * Runs before a server or loader writes ({@link RedisProfileStore#migrate}); a store marks itself done
 * ({@code PREFIX:format}) so later starts skip it.
 *
 * <p>Safe to run by several processes at once and to interrupt: each event is converted by a script
 * only if its old member is still stored, and only then are its counts and sums taken out of the
 * aggregates (migrate.lua). Events written in format 2 meanwhile already carry their updates and are
 * left alone.
 */
final class FormatMigration {

    static final String CURRENT = "2";
    private static final int SCAN_COUNT = 500;

    private final Redis redis;
    private final ProfileKeys keys;
    private final ProfilePolicy policy;
    private long profiles;
    private long events;

    FormatMigration(Redis redis, ProfileKeys keys, ProfilePolicy policy) {
        this.redis = redis;
        this.keys = keys;
        this.policy = policy;
    }

    /** Converts what needs it; the answer is {profiles looked at, events converted}, or null if the store was current. */
    Future<long[]> run() {
        return redis.send(Request.cmd(Command.GET).arg(keys.format())).compose(r -> {
            if (r != null && CURRENT.equals(r.toString())) {
                return Future.succeededFuture(null);
            }
            return scan("0").compose(v -> redis.send(Request.cmd(Command.SET).arg(keys.format()).arg(CURRENT)))
                    .map(v -> new long[] {profiles, events});
        });
    }

    private Future<Void> scan(String cursor) {
        Request scan = Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(keys.prefix() + ":{*}:t")
                .arg("COUNT").arg(SCAN_COUNT);
        return redis.send(scan).compose(r -> {
            String next = r.get(0).toString();
            List<String> bases = new ArrayList<>();
            for (Response key : r.get(1)) {
                String k = key.toString();
                bases.add(k.substring(0, k.length() - 2));
            }
            Future<Void> done = bases.isEmpty() ? Future.succeededFuture() : convert(bases);
            return done.compose(v -> next.equals("0") ? Future.succeededFuture() : scan(next));
        });
    }

    /** Reads the profiles' kept events and converts those still in format 1, one script call per profile. */
    private Future<Void> convert(List<String> bases) {
        List<Request> typeReads = new ArrayList<>(bases.size());
        for (String base : bases) {
            typeReads.add(Request.cmd(Command.SMEMBERS).arg(base + ":t"));
        }
        return redis.batch(typeReads).compose(typeSets -> {
            List<Request> reads = new ArrayList<>();
            List<String[]> what = new ArrayList<>(); // {base, type} of each read
            for (int i = 0; i < bases.size(); i++) {
                for (Response type : typeSets.get(i)) {
                    String base = bases.get(i);
                    reads.add(Request.cmd(Command.ZRANGE).arg(base + ":e:" + type).arg(0).arg(-1).arg("WITHSCORES"));
                    what.add(new String[] {base, type.toString()});
                }
            }
            profiles += bases.size();
            if (reads.isEmpty()) {
                return Future.succeededFuture();
            }
            return redis.batch(reads).compose(rs -> {
                List<Request> writes = new ArrayList<>();
                Request current = null;
                String currentBase = null;
                for (int i = 0; i < rs.size(); i++) {
                    String base = what.get(i)[0];
                    String type = what.get(i)[1];
                    Response members = rs.get(i);
                    for (int m = 0; m + 1 < members.size(); m += 2) {
                        byte[] member = members.get(m).toBytes();
                        if (hasUpdates(member)) {
                            continue;
                        }
                        if (!base.equals(currentBase)) {
                            current = Request.cmd(Command.EVALSHA).arg(Script.MIGRATE.sha).arg(1).arg(base);
                            currentBase = base;
                            writes.add(current);
                        }
                        Event e = EventCodec.decode(member);
                        StringBuilder additive = new StringBuilder(128);
                        for (AggregateUpdate u : policy.updatesFor(e)) {
                            if (u.op() == AggregateUpdate.Op.ADD) {
                                additive.append(u.field()).append('\u001f').append(ProfilePolicy.number(u.value()))
                                        .append('\u001e');
                            }
                        }
                        String old = new String(member, StandardCharsets.UTF_8);
                        current.arg(type).arg(members.get(m + 1).toString()).arg(old)
                                .arg(old + '\u001e' + policy.compactUpdates(e)).arg(additive.toString());
                    }
                }
                if (writes.isEmpty()) {
                    return Future.succeededFuture();
                }
                return redis.batch(writes).map(ws -> {
                    for (Response w : ws) {
                        events += w.toLong();
                    }
                    return (Void) null;
                });
            });
        });
    }

    /** Whether a stored member is in format 2 (its JSON is followed by U+001E and the compact updates). */
    private static boolean hasUpdates(byte[] member) {
        for (byte b : member) {
            if (b == 0x1e) {
                return true;
            }
        }
        return false;
    }
}
