package io.tsunagu.server.profile;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.server.Metrics;
import io.tsunagu.server.http.ApiException;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.ProfileRead;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the profile a request is about and keeps cached profiles current.
 *
 * <p><b>Identity.</b> A member id counts only when signed ({@link Identity}). A visitor id that once
 * signed in is an alias of that member: its later requests, signed or not, go to the member's profile.
 * The first signed request for a visitor id merges the anonymous profile into the member's
 * ({@link RedisProfileStore#merge}, exactly once even when requests race) and records the alias.
 *
 * <p><b>Caching.</b> Profiles are immutable snapshots in Caffeine. A hit costs no Redis call; a miss
 * costs one round trip (the alias lookup, when needed, is pipelined with the profile read). New
 * events are applied to the cached snapshot as the store applies them ({@link #record}) while the
 * caller writes them behind ({@link WriteBehind}), so the visitor's next page sees them without a
 * read. Changes made elsewhere
 * arrive as invalidations ({@link #invalidate}); a TTL is only a safety net.
 *
 * <p><b>Failing open.</b> If Redis does not answer within the configured timeout the request is
 * served from an empty profile (not cached): the page still gets an answer, fast.
 */
public final class ProfileService {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileService.class);
    private static final String NO_ALIAS = "";

    /** Who a request is from, and their profile as of now. */
    public record Visitor(String pid, String vid, String uid, boolean identified, Profile profile, boolean degraded) {
    }

    private final RedisProfileStore store;
    private final Identity identity;
    private final Supplier<ProfilePolicy> policy;
    private final Metrics metrics;
    private final String origin;
    private final long timeoutMs;
    private final Cache<String, Profile> profiles;
    /**
     * pid → the number of its last invalidation, kept while a read begun before it may still be in
     * flight: a snapshot read before a change must not go into the cache after the change dropped it.
     */
    private final Cache<String, Long> invalidated;
    private final AtomicLong invalidations = new AtomicLong();
    /** The invalidation count and time when everything was last dropped (the change feed reconnected). */
    private volatile long allInvalidated = -1;
    private volatile long allInvalidatedAt;
    private final long invalidatedWindowMs;
    /** vid → uid, or "" for "no alias". */
    private final Cache<String, String> aliases;
    private final ConcurrentHashMap<String, Future<Profile>> loading = new ConcurrentHashMap<>();

    public ProfileService(RedisProfileStore store, Identity identity, Supplier<ProfilePolicy> policy, Metrics metrics,
            String origin, Duration timeout, long maxProfiles, Duration ttl) {
        this.store = store;
        this.identity = identity;
        this.policy = policy;
        this.metrics = metrics;
        this.origin = origin;
        this.timeoutMs = timeout.toMillis();
        this.profiles = Caffeine.newBuilder().maximumSize(maxProfiles).expireAfterWrite(ttl).build();
        this.aliases = Caffeine.newBuilder().maximumSize(maxProfiles).expireAfterWrite(ttl).build();
        // Reads end within the timeout (merges within five); what outlives that window is no longer in flight.
        this.invalidatedWindowMs = Math.max(10_000, 10 * timeoutMs);
        this.invalidated = Caffeine.newBuilder().maximumSize(maxProfiles)
                .expireAfterWrite(Duration.ofMillis(invalidatedWindowMs)).build();
        metrics.gauge("tsunagu_profile_cache_size", profiles::estimatedSize);
    }

    public Identity identity() {
        return identity;
    }

    /**
     * The visitor behind a request: a signed member, or the anonymous visitor id (through its alias
     * when it has one). A bad signature is not an error: the request is anonymous — unless it has no
     * visitor id either, which fails with a 400.
     */
    public Future<Visitor> visitor(String vid, String uid, String signature) {
        boolean identified = uid != null && identity.verify(uid, signature);
        if (!identified && vid == null) {
            // An unsigned member id counts for nothing, and there is no visitor id to fall back to.
            return Future.failedFuture(ApiException.badRequest("\"vid\" is required: \"uid\" counts only with its "
                    + "\"uid_sig\", and this one is missing or does not match"));
        }
        if (identified) {
            if (vid == null || uid.equals(aliases.getIfPresent(vid))) {
                return profile(uid).map(p -> new Visitor(uid, vid, uid, true, p, false))
                        .recover(e -> failOpen(uid, vid, uid, true, e));
            }
            return signedWithNewAlias(vid, uid).recover(e -> failOpen(uid, vid, uid, true, e));
        }
        String alias = aliases.getIfPresent(vid);
        if (alias != null) {
            String pid = alias.isEmpty() ? ProfileKeys.visitorPid(vid) : alias;
            return profile(pid).map(p -> new Visitor(pid, vid, null, false, p, false))
                    .recover(e -> failOpen(pid, vid, null, false, e));
        }
        return anonymousWithUnknownAlias(vid).recover(e -> failOpen(ProfileKeys.visitorPid(vid), vid, null, false, e));
    }

    /** A cached profile, or one read from Redis (one round trip; concurrent reads of one profile share it). */
    public Future<Profile> profile(String pid) {
        Profile cached = profiles.getIfPresent(pid);
        if (cached != null) {
            metrics.cacheHits.increment();
            return Future.succeededFuture(cached);
        }
        metrics.cacheMisses.increment();
        Future<Profile> inFlight = loading.get(pid);
        if (inFlight != null) {
            return inFlight;
        }
        long readFrom = invalidations.get();
        Future<Profile> load = store.load(pid).timeout(timeoutMs, TimeUnit.MILLISECONDS);
        Future<Profile> previous = loading.putIfAbsent(pid, load);
        if (previous != null) {
            return previous;
        }
        return load.andThen(ar -> {
            loading.remove(pid, load);
            if (ar.succeeded()) {
                cacheIfCurrent(pid, ar.result(), readFrom); // not if an invalidation arrived while reading
            }
        });
    }

    private Future<Visitor> anonymousWithUnknownAlias(String vid) {
        String anonymous = ProfileKeys.visitorPid(vid);
        long readFrom = invalidations.get();
        ProfileRead read = store.read(anonymous);
        List<Request> requests = new ArrayList<>(read.size() + 1);
        requests.add(store.aliasRequest(vid));
        requests.addAll(read.requests());
        return store.batch(requests)
                .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .compose(rs -> {
                    metrics.cacheMisses.increment();
                    String alias = text(rs.get(0));
                    aliases.put(vid, alias == null ? NO_ALIAS : alias);
                    if (alias == null) {
                        return store.profile(read, rs, 1).map(p -> {
                            cacheIfCurrent(anonymous, p, readFrom);
                            return new Visitor(anonymous, vid, null, false, p, false);
                        });
                    }
                    return profile(alias).map(p -> new Visitor(alias, vid, null, false, p, false));
                });
    }

    private Future<Visitor> signedWithNewAlias(String vid, String uid) {
        Profile cached = profiles.getIfPresent(uid);
        long readFrom = invalidations.get();
        ProfileRead read = cached == null ? store.read(uid) : null;
        List<Request> requests = new ArrayList<>(read == null ? 1 : read.size() + 1);
        requests.add(store.aliasRequest(vid));
        if (read != null) {
            requests.addAll(read.requests());
        }
        return store.batch(requests).timeout(timeoutMs, TimeUnit.MILLISECONDS).compose(rs -> {
            Future<Profile> member;
            if (read != null) {
                metrics.cacheMisses.increment();
                member = store.profile(read, rs, 1).andThen(ar -> {
                    if (ar.succeeded()) {
                        cacheIfCurrent(uid, ar.result(), readFrom);
                    }
                });
            } else {
                metrics.cacheHits.increment();
                member = Future.succeededFuture(cached);
            }
            if (uid.equals(text(rs.get(0)))) {
                aliases.put(vid, uid);
                return member.map(p -> new Visitor(uid, vid, uid, true, p, false));
            }
            // A merge takes a few round trips; it runs once per visitor id, so give it more time.
            return merge(vid, uid).timeout(Math.max(250, 5 * timeoutMs), TimeUnit.MILLISECONDS)
                    .map(p -> new Visitor(uid, vid, uid, true, p, false));
        });
    }

    /**
     * Makes {@code vid} an alias of {@code uid}, first moving the anonymous history into the member's
     * profile. Safe to run concurrently and again: the store counts each event once.
     */
    private Future<Profile> merge(String vid, String uid) {
        long now = System.currentTimeMillis();
        ProfilePolicy p = policy.get();
        String pid = ProfileKeys.visitorPid(vid);
        return store.load(pid).compose(anonymous -> {
            boolean empty = anonymous.events().length == 0 && anonymous.attributes().isEmpty();
            Future<?> moved = empty ? Future.succeededFuture()
                    : store.aggregateFields(pid).compose(fields -> store.merge(anonymous, fields, uid, p, now));
            return moved;
        }).compose(v -> store.setAlias(vid, uid))
                .compose(v -> store.drop(pid))
                .compose(v -> store.publishChanges(origin, List.of(uid, pid)))
                .compose(v -> {
                    metrics.merges.increment();
                    invalidate(uid);
                    invalidate(pid);
                    aliases.put(vid, uid);
                    return profile(uid);
                });
    }

    private Future<Visitor> failOpen(String pid, String vid, String uid, boolean identified, Throwable e) {
        metrics.failOpen.increment();
        LOG.debug("answering from an empty profile: {}", e.toString());
        return Future.succeededFuture(new Visitor(pid, vid, uid, identified, Profile.empty(pid), true));
    }

    private static String text(Response r) {
        return r == null ? null : r.toString();
    }

    /**
     * Applies events to the visitor's cached snapshot, as the store will apply them once written
     * (the caller queues the write).
     *
     * @return the visitor's profile including the events
     */
    public Profile record(Visitor v, List<Event> events, long now) {
        ProfilePolicy p = policy.get();
        if (v.degraded()) {
            return v.profile().withEvents(events, p, now);
        }
        for (Event e : events) {
            if (!v.profile().appendsExactly(e)) {
                // Older than what the snapshot keeps: only the store can tell if it is new. Re-read later.
                invalidate(v.pid());
                return v.profile().withEvents(events, p, now);
            }
        }
        Profile[] out = new Profile[1];
        profiles.asMap().compute(v.pid(), (k, old) -> {
            out[0] = (old != null ? old : v.profile()).withEvents(events, p, now);
            // Not cached, and changed elsewhere not long ago: this request's snapshot may predate the change,
            // so it stays out of the cache (the next request reads the profile again).
            return old == null && changedLately(k) ? null : out[0];
        });
        return out[0];
    }

    private boolean changedLately(String pid) {
        return invalidated.getIfPresent(pid) != null || System.currentTimeMillis() - allInvalidatedAt < invalidatedWindowMs;
    }

    /** Caches a profile read when {@code readFrom} was the invalidation count, unless it changed since. */
    private void cacheIfCurrent(String pid, Profile p, long readFrom) {
        profiles.asMap().compute(pid, (k, old) -> {
            Long at = invalidated.getIfPresent(k);
            return at != null && at > readFrom || allInvalidated > readFrom ? old : p;
        });
    }

    /**
     * The aggregate updates of each event under the current policy, in the store's compact form: taken
     * when the events are queued, so that a rule change while they wait does not change what they add.
     */
    public List<String> updates(List<Event> events) {
        ProfilePolicy p = policy.get();
        List<String> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(p.compactUpdates(e));
        }
        return out;
    }

    /** Sets attributes on the cached snapshot (the caller writes them to Redis). */
    public void applyAttributes(String pid, Map<String, ?> attributes) {
        profiles.asMap().computeIfPresent(pid, (k, old) -> old.withAttributes(attributes));
    }

    /** Drops a profile that changed elsewhere (and, for a visitor's anonymous profile, what its alias was). */
    public void invalidate(String id) {
        invalidated.put(id, invalidations.incrementAndGet());
        loading.remove(id);
        profiles.invalidate(id);
        String vid = ProfileKeys.visitorOf(id);
        if (vid != null) {
            aliases.invalidate(vid);
        }
        metrics.invalidations.increment();
    }

    /** Drops everything: changes may have been missed (the change feed reconnected). */
    public void invalidateAll() {
        allInvalidatedAt = System.currentTimeMillis();
        allInvalidated = invalidations.incrementAndGet();
        loading.clear();
        profiles.invalidateAll();
        aliases.invalidateAll();
    }
}
