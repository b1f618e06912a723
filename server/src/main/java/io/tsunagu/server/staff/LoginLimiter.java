package io.tsunagu.server.staff;

import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;

/**
 * Limits password guessing: wrong passwords are counted per user name and per client address in Redis
 * (shared by every server instance), each counter expiring one window after its first failure. Once
 * either count reaches its limit, sign-in answers 429 until the window has passed — without checking
 * the password, so guessing gains nothing.
 *
 * <p>An attempt is counted before its password is checked (so that parallel guesses cannot slip past
 * the limit) and uncounted when the password was right: the user's counter is cleared, the address's
 * decremented (many staff may sign in from one store address).
 */
public final class LoginLimiter {

    /** What the counters said when an attempt began. */
    public record Attempt(boolean allowed, long retryAfterMs) {
    }

    private final RedisProfileStore store;
    private final ProfileKeys keys;
    private final long windowMs;
    private final int maxPerUser;
    private final int maxPerIp;

    public LoginLimiter(RedisProfileStore store, Duration window, int maxPerUser, int maxPerIp) {
        this.store = store;
        this.keys = store.keys();
        this.windowMs = window.toMillis();
        this.maxPerUser = maxPerUser;
        this.maxPerIp = maxPerIp;
    }

    /** Counts an attempt; not allowed when earlier failures already reached a limit. */
    public Future<Attempt> begin(String user, String address) {
        String u = keys.staffUserFailures(user);
        String a = keys.staffIpFailures(address);
        return store.batch(List.of(
                Request.cmd(Command.SET).arg(u).arg(0).arg("PX").arg(windowMs).arg("NX"),
                Request.cmd(Command.INCR).arg(u),
                Request.cmd(Command.PTTL).arg(u),
                Request.cmd(Command.SET).arg(a).arg(0).arg("PX").arg(windowMs).arg("NX"),
                Request.cmd(Command.INCR).arg(a),
                Request.cmd(Command.PTTL).arg(a))).map(rs -> {
                    // A counter must always expire (a DECR racing its expiry can recreate it without one).
                    List<Request> heal = new java.util.ArrayList<>(2);
                    if (number(rs.get(2)) < 0) {
                        heal.add(Request.cmd(Command.PEXPIRE).arg(u).arg(windowMs));
                    }
                    if (number(rs.get(5)) < 0) {
                        heal.add(Request.cmd(Command.PEXPIRE).arg(a).arg(windowMs));
                    }
                    if (!heal.isEmpty()) {
                        store.batch(heal);
                    }
                    // The count includes this attempt: allowed while earlier failures are below the limit.
                    boolean userBlocked = number(rs.get(1)) > maxPerUser;
                    boolean ipBlocked = number(rs.get(4)) > maxPerIp;
                    long retry = Math.max(userBlocked ? number(rs.get(2)) : 0, ipBlocked ? number(rs.get(5)) : 0);
                    return new Attempt(!userBlocked && !ipBlocked, Math.max(retry, 1_000));
                });
    }

    /** The password was right: this attempt does not count. */
    public Future<Void> succeeded(String user, String address) {
        String a = keys.staffIpFailures(address);
        return store.batch(List.of(Request.cmd(Command.DEL).arg(keys.staffUserFailures(user)), Request.cmd(Command.DECR).arg(a)))
                .compose(rs -> number(rs.get(1)) <= 0
                        ? store.batch(List.of(Request.cmd(Command.DEL).arg(a))).mapEmpty()
                        : Future.<Void>succeededFuture());
    }

    private static long number(Response r) {
        return r == null ? 0 : r.toLong();
    }
}
