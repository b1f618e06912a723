package io.tsunagu.server.staff;

import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Staff sessions in Redis, so that every server instance knows them and a restart keeps them. The
 * cookie holds a random 256-bit token; Redis holds the session under the token's sha256, so a copy
 * of Redis (a backup, a replica) holds no cookie anyone could use. A session ends when idle for the
 * idle time (each request moves the key's expiry on), or at the latest the maximum time after
 * sign-in (checked on every request), or at sign-out.
 */
public final class StaffSessions {

    /** A token as this class writes it: 43 base64url characters. Anything else is not looked up. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A signed-in staff member.
     *
     * @param token the cookie's value
     * @param csrf the token a state-changing request must repeat in {@code X-CSRF-Token}
     * @param password the fingerprint of the password hash the session was made under
     */
    public record Session(String token, String user, long createdAt, String csrf, String password) {
    }

    private final RedisProfileStore store;
    private final ProfileKeys keys;
    private final long idleMs;
    private final long maxMs;

    public StaffSessions(RedisProfileStore store, Duration idle, Duration max) {
        this.store = store;
        this.keys = store.keys();
        this.idleMs = idle.toMillis();
        this.maxMs = max.toMillis();
    }

    public Future<Session> create(String user, String passwordFingerprint, long now) {
        Session s = new Session(random(32), user, now, random(24), passwordFingerprint);
        String key = keys.staffSession(hash(s.token()));
        return store.batch(List.of(
                Request.cmd(Command.HSET).arg(key).arg("user").arg(user).arg("created").arg(now).arg("csrf").arg(s.csrf())
                        .arg("pw").arg(passwordFingerprint),
                Request.cmd(Command.PEXPIRE).arg(key).arg(Math.min(idleMs, maxMs)))).map(r -> s);
    }

    /**
     * The session of a cookie token, its idle time started again; null when there is none (never was,
     * ended, idle too long or older than the maximum).
     */
    public Future<Session> find(String token, long now) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Future.succeededFuture(null);
        }
        String key = keys.staffSession(hash(token));
        return store.batch(List.of(Request.cmd(Command.HMGET).arg(key).arg("user").arg("created").arg("csrf").arg("pw")))
                .compose(rs -> {
                    Response r = rs.get(0);
                    if (r == null || r.size() < 4 || r.get(0) == null || r.get(1) == null || r.get(2) == null) {
                        return Future.succeededFuture(null);
                    }
                    long created = r.get(1).toLong();
                    long left = created + maxMs - now;
                    if (left <= 0) {
                        return end(token).map(v -> (Session) null);
                    }
                    Session s = new Session(token, r.get(0).toString(), created, r.get(2).toString(),
                            r.get(3) == null ? "" : r.get(3).toString());
                    // Idle time starts again, but never past the session's maximum age.
                    return store.batch(List.of(Request.cmd(Command.PEXPIRE).arg(key).arg(Math.min(idleMs, left))))
                            .map(x -> s);
                });
    }

    public Future<Void> end(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Future.succeededFuture();
        }
        return store.batch(List.of(Request.cmd(Command.DEL).arg(keys.staffSession(hash(token))))).mapEmpty();
    }

    public long expiresAt(Session s) {
        return s.createdAt() + maxMs;
    }

    public long idleMs() {
        return idleMs;
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
