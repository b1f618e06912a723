package io.tsunagu.store;

import io.tsunagu.rules.profile.AggregateUpdate;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Profiles in Redis: reading one (one round trip, see {@link ProfileRead}), storing events
 * (idempotently, with their aggregate updates, in one script call per profile), attributes, aliases
 * and merges. The server and the loader
 * both write through this class, so there is one encoding and one set of scripts.
 *
 * <p>Requests can also be built without sending them ({@code …Request} methods) so that callers
 * pipeline many profiles' writes in one batch.
 */
public final class RedisProfileStore {

    /** Most event types a read asks for by default; a profile with others costs a second round trip. */
    static final int MAX_READ_TYPES = 32;

    private final Redis redis;
    private final ProfileKeys keys;
    /** The event types a read asks for: the ones profiles were seen to have, learnt as reads find them. */
    private volatile List<String> readTypes = List.of();

    public RedisProfileStore(Redis redis, ProfileKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public ProfileKeys keys() {
        return keys;
    }

    /** Loads the scripts into Redis's script cache (again after a Redis restart). */
    public Future<Void> prepare() {
        List<Request> loads = new ArrayList<>();
        for (Script s : Script.values()) {
            loads.add(Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.source));
        }
        return redis.batch(loads).mapEmpty();
    }

    /**
     * Converts profiles an earlier version stored to the current layout (see {@link FormatMigration});
     * quick when the store is current. The answer is {profiles looked at, events converted}, or null
     * when there was nothing to do.
     */
    public Future<long[]> migrate(ProfilePolicy policy) {
        return new FormatMigration(redis, keys, policy).run();
    }

    /** Sends requests pipelined; reloads the scripts once if Redis lost them (it restarted). */
    public Future<List<Response>> batch(List<Request> requests) {
        return redis.batch(requests).recover(e -> isNoScript(e)
                ? prepare().compose(v -> redis.batch(requests))
                : Future.failedFuture(e));
    }

    private Future<Response> send(Request request) {
        return redis.send(request).recover(e -> isNoScript(e)
                ? prepare().compose(v -> redis.send(request))
                : Future.failedFuture(e));
    }

    static boolean isNoScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("NOSCRIPT");
    }

    // ---- reading -------------------------------------------------------------------------------

    /** A read of the profile: plain commands in one transaction, sent pipelined (one round trip). */
    public ProfileRead read(String pid) {
        return new ProfileRead(pid, keys, readTypes);
    }

    /** The profile as stored; an empty profile for an id never seen. */
    public Future<Profile> load(String pid) {
        ProfileRead read = read(pid);
        return batch(read.requests()).compose(rs -> profile(read, rs, 0));
    }

    /**
     * The profile from the responses to {@code read}'s requests, found in {@code responses} from index
     * {@code from}; reads again if the profile has event types the read did not ask for.
     */
    public Future<Profile> profile(ProfileRead read, List<Response> responses, int from) {
        return profile(read, responses, from, 3);
    }

    private Future<Profile> profile(ProfileRead read, List<Response> responses, int from, int attempts) {
        List<String> unknown = new ArrayList<>(2);
        Profile p = read.decode(responses, from, unknown);
        if (p != null) {
            return Future.succeededFuture(p);
        }
        if (attempts <= 1) {
            // Types keep appearing between reads: a writer is adding new ones faster than we read.
            return Future.failedFuture(new IllegalStateException("profile's event types keep changing"));
        }
        List<String> types = new ArrayList<>(read.types());
        types.addAll(unknown);
        synchronized (this) {
            for (String t : unknown) {
                if (readTypes.size() < MAX_READ_TYPES && !readTypes.contains(t)) {
                    List<String> more = new ArrayList<>(readTypes);
                    more.add(t);
                    readTypes = List.copyOf(more);
                }
            }
        }
        ProfileRead again = new ProfileRead(read.pid(), keys, List.copyOf(types));
        return batch(again.requests()).compose(rs -> profile(again, rs, 0, attempts - 1));
    }

    // ---- writing events ------------------------------------------------------------------------

    /** One profile's events, to be stored. */
    public record Apply(String pid, List<StoredEvent> events) {

        /** The events with their updates under {@code policy}. */
        public static Apply of(String pid, List<Event> events, ProfilePolicy policy) {
            return new Apply(pid, stored(events, policy));
        }
    }

    /**
     * Events a script call carries at most when it stores several profiles. A call costs Redis a fixed
     * amount besides its events (50 one-event profiles in one call: 30% less CPU per event than in 50
     * calls), but Redis runs a call whole and answers nobody meanwhile: 50 events are about a millisecond.
     */
    public static final int EVENTS_PER_CALL = 50;

    /** Stores events of one profile; duplicates (by id) and events beyond the horizon are ignored. */
    public Request applyRequest(String pid, List<Event> events, ProfilePolicy policy, long now) {
        return applyCall(List.of(Apply.of(pid, events, policy)), policy, now);
    }

    /**
     * Stores events of several profiles as {@link #applyRequest(String, List, ProfilePolicy, long)} does,
     * in script calls of about {@link #EVENTS_PER_CALL} events (a profile's events stay in one call). The
     * answer of each is read by {@link #result}. The profiles of one call may lie in different cluster
     * slots: this needs a standalone Redis, the only kind the store connects to.
     */
    public List<Request> applyRequests(List<Apply> profiles, ProfilePolicy policy, long now) {
        List<Request> out = new ArrayList<>(profiles.size() / 8 + 1);
        int from = 0;
        int events = 0;
        for (int i = 0; i < profiles.size(); i++) {
            events += profiles.get(i).events().size();
            if (events >= EVENTS_PER_CALL || i == profiles.size() - 1) {
                out.add(applyCall(profiles.subList(from, i + 1), policy, now));
                from = i + 1;
                events = 0;
            }
        }
        return out;
    }

    private static List<StoredEvent> stored(List<Event> events, ProfilePolicy policy) {
        List<StoredEvent> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(StoredEvent.of(e, policy));
        }
        return out;
    }

    public Future<ApplyResult> apply(String pid, List<Event> events, ProfilePolicy policy, long now) {
        return send(applyRequest(pid, events, policy, now)).map(RedisProfileStore::result);
    }

    /** Decodes the answer to an apply request: what it did to all the profiles it carried. */
    public static ApplyResult result(Response r) {
        long applied = 0;
        long duplicates = 0;
        long tooOld = 0;
        for (int i = 0; i + 2 < r.size(); i += 3) {
            applied += r.get(i).toLong();
            duplicates += r.get(i + 1).toLong();
            tooOld += r.get(i + 2).toLong();
        }
        return new ApplyResult(applied, duplicates, tooOld);
    }

    /** One script call storing the events of {@code profiles} (see apply.lua for the arguments). */
    private Request applyCall(List<Apply> profiles, ProfilePolicy policy, long now) {
        Request r = Request.cmd(Command.EVALSHA).arg(Script.APPLY.sha).arg(profiles.size());
        for (Apply a : profiles) {
            r.arg(keys.base(a.pid()));
        }
        long horizon = policy.horizon(now);
        r.arg(policy.maxEventsPerType()).arg(horizon);
        for (Apply a : profiles) {
            Groups g = Groups.of(a.events(), horizon);
            r.arg("").arg(0).arg(0).arg(g.byType().size()).arg(g.tooOld()).arg(g.repeated());
            g.append(r);
        }
        return r;
    }

    /** Stores one profile's events, and the first time {@code marker} is seen its guarded updates and attributes. */
    private Request guardedCall(String pid, List<StoredEvent> events, ProfilePolicy policy,
            long now, String marker, List<AggregateUpdate> guarded, Map<String, Object> guardedAttributes) {
        long horizon = policy.horizon(now);
        Groups g = Groups.of(events, horizon);
        Request r = Request.cmd(Command.EVALSHA).arg(Script.APPLY.sha).arg(1).arg(keys.base(pid))
                .arg(policy.maxEventsPerType()).arg(horizon)
                .arg(marker).arg(guarded.size()).arg(guardedAttributes.size())
                .arg(g.byType().size()).arg(g.tooOld()).arg(g.repeated());
        for (AggregateUpdate u : guarded) {
            r.arg(u.field()).arg(op(u)).arg(value(u));
        }
        guardedAttributes.forEach((k, v) -> r.arg(k).arg(EventCodec.encodeValue(v)));
        g.append(r);
        return r;
    }

    /**
     * A profile's events as the script takes them: those within the horizon (the rest are counted as
     * too old), each id once (repeats are counted as duplicates), grouped by type — so that the script
     * can insert a group whose ids are all new straight from its arguments.
     */
    private record Groups(Map<String, List<StoredEvent>> byType, int tooOld, int repeated) {

        static Groups of(List<StoredEvent> events, long horizon) {
            Map<String, List<StoredEvent>> byType = new LinkedHashMap<>(2);
            Set<String> seen = events.size() > 1 ? new HashSet<>(events.size() * 2) : null;
            int tooOld = 0;
            int repeated = 0;
            for (StoredEvent e : events) {
                if (e.ts() < horizon) {
                    tooOld++;
                } else if (seen != null && !seen.add(e.id())) {
                    repeated++;
                } else {
                    byType.computeIfAbsent(e.type(), t -> new ArrayList<>(events.size())).add(e);
                }
            }
            return new Groups(byType, tooOld, repeated);
        }

        /** Per type: the type, n, the n ids, n pairs (ts, id), n pairs (ts, member). */
        void append(Request r) {
            byType.forEach((type, list) -> {
                r.arg(type).arg(list.size());
                for (StoredEvent e : list) {
                    r.arg(e.id());
                }
                for (StoredEvent e : list) {
                    r.arg(e.ts()).arg(e.id());
                }
                for (StoredEvent e : list) {
                    r.arg(e.ts()).arg(e.member());
                }
            });
        }
    }

    private static String op(AggregateUpdate u) {
        return switch (u.op()) {
            case ADD -> "+";
            case MIN -> "<";
            case MAX -> ">";
        };
    }

    private static String value(AggregateUpdate u) {
        return ProfilePolicy.number(u.value());
    }

    // ---- attributes ----------------------------------------------------------------------------

    /** Sets attributes (a null value removes one). */
    public Request attributesRequest(String pid, Map<String, ?> attributes) {
        Request set = Request.cmd(Command.HSET).arg(keys.attributes(pid));
        int n = 0;
        for (Map.Entry<String, ?> e : attributes.entrySet()) {
            if (e.getValue() != null) {
                set.arg(e.getKey()).arg(EventCodec.encodeValue(e.getValue()));
                n++;
            }
        }
        return n > 0 ? set : null;
    }

    public Future<Void> setAttributes(String pid, Map<String, ?> attributes) {
        List<Request> requests = new ArrayList<>(2);
        Request set = attributesRequest(pid, attributes);
        if (set != null) {
            requests.add(set);
        }
        Request del = Request.cmd(Command.HDEL).arg(keys.attributes(pid));
        int removed = 0;
        for (Map.Entry<String, ?> e : attributes.entrySet()) {
            if (e.getValue() == null) {
                del.arg(e.getKey());
                removed++;
            }
        }
        if (removed > 0) {
            requests.add(del);
        }
        return requests.isEmpty() ? Future.succeededFuture() : redis.batch(requests).mapEmpty();
    }

    // ---- identity ------------------------------------------------------------------------------

    public Request aliasRequest(String vid) {
        return Request.cmd(Command.GET).arg(keys.alias(vid));
    }

    /** The member id a visitor id was linked to at sign-in, or null. */
    public Future<String> alias(String vid) {
        return redis.send(aliasRequest(vid)).map(r -> r == null ? null : r.toString());
    }

    public Future<Void> setAlias(String vid, String uid) {
        return redis.send(Request.cmd(Command.SET).arg(keys.alias(vid)).arg(uid)).mapEmpty();
    }

    /** The raw aggregate fields of a profile (needed to merge an anonymous profile's trimmed history). */
    public Future<Map<String, String>> aggregateFields(String pid) {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.aggregates(pid))).map(r -> {
            Map<String, String> m = new HashMap<>();
            if (r != null) {
                for (int i = 0; i + 1 < r.size(); i += 2) {
                    m.put(r.get(i).toString(), r.get(i + 1).toString());
                }
            }
            return m;
        });
    }

    /**
     * Merges an anonymous visitor's profile into a member's, exactly once even when several requests
     * do it at the same time: events are applied by id (repeats are ignored), and what only the
     * aggregates know (trimmed events) plus the attributes are added under a once-marker.
     *
     * @param anonymousAggregates the anonymous profile's raw aggregate fields
     */
    public Future<ApplyResult> merge(Profile anonymous, Map<String, String> anonymousAggregates, String uid,
            ProfilePolicy policy, long now) {
        List<Event> events = List.of(anonymous.events());
        // The anonymous aggregates hold exactly its trimmed events: they are added as they are, once;
        // its kept events are stored by id like any others.
        List<AggregateUpdate> trimmedShare = new ArrayList<>();
        anonymousAggregates.forEach((field, text) -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return;
            }
            AggregateUpdate.Op op = field.startsWith("lo|") || field.startsWith("first|") ? AggregateUpdate.Op.MIN
                    : field.startsWith("hi|") || field.startsWith("last|") ? AggregateUpdate.Op.MAX
                    : AggregateUpdate.Op.ADD;
            trimmedShare.add(new AggregateUpdate(field, op, value));
        });
        return send(guardedCall(uid, stored(events, policy), policy, now, "merged:" + anonymous.id(), trimmedShare,
                anonymous.attributes()))
                .map(RedisProfileStore::result);
    }

    /** Deletes every key of a profile. */
    public Future<Void> drop(String pid) {
        return send(Request.cmd(Command.EVALSHA).arg(Script.DROP.sha).arg(1).arg(keys.base(pid))).mapEmpty();
    }

    // ---- coupon pools --------------------------------------------------------------------------

    /** The code a member gets from a pool (the same one every time); null when the pool has none left. */
    public Future<String> claimCoupon(String pool, String member) {
        return send(Request.cmd(Command.EVALSHA).arg(Script.COUPON_CLAIM.sha).arg(1).arg(keys.couponPool(pool)).arg(member))
                .map(r -> r == null ? null : r.toString());
    }

    /** Adds codes to a pool, each at most once ever; the reply is {added, already known}. */
    public Request addCouponsRequest(String pool, Collection<String> codes) {
        Request r = Request.cmd(Command.EVALSHA).arg(Script.COUPON_ADD.sha).arg(1).arg(keys.couponPool(pool));
        for (String c : codes) {
            r.arg(c);
        }
        return r;
    }

    // ---- recommendation model ----------------------------------------------------------------

    /** The stored recommendation model's bytes, or null if none was built. */
    public Future<byte[]> recsModel() {
        return redis.send(Request.cmd(Command.GET).arg(keys.recs())).map(r -> r == null ? null : r.toBytes());
    }

    public Future<Void> setRecsModel(byte[] model) {
        return redis.send(Request.cmd(Command.SET).arg(keys.recs()).arg(io.vertx.core.buffer.Buffer.buffer(model))).mapEmpty();
    }

    // ---- change notifications --------------------------------------------------------------------

    /** Tells every server instance (but {@code origin}'s own) that these profiles changed. */
    public Request changesRequest(String origin, Collection<String> pids) {
        StringBuilder sb = new StringBuilder(origin);
        for (String pid : pids) {
            sb.append('\n').append(pid);
        }
        return Request.cmd(Command.PUBLISH).arg(keys.changes()).arg(sb.toString());
    }

    public Future<Void> publishChanges(String origin, Collection<String> pids) {
        return pids.isEmpty() ? Future.succeededFuture() : redis.send(changesRequest(origin, pids)).mapEmpty();
    }
}
