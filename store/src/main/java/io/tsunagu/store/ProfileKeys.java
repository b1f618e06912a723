package io.tsunagu.store;

import java.util.regex.Pattern;

/**
 * The Redis key layout of profiles — the one place it is written down.
 *
 * <p>Every key of one profile shares the hash tag {@code {pid}}, so they live in one cluster slot and
 * one script can change them atomically:
 * <pre>
 *   pid                    a member id, or ~VID: the anonymous profile of visitor id VID (a member id never
 *                          begins with ~, so no visitor id can name a member's profile)
 *   PREFIX:{pid}:a         hash    attribute → JSON value
 *   PREFIX:{pid}:e:TYPE    zset    kept events of one type, scored by time, member = encoded event,
 *                                  U+001E, its compact aggregate updates (added when it is trimmed)
 *   PREFIX:{pid}:t         set     the event types the profile has
 *   PREFIX:{pid}:i         zset    ids of every event stored within the horizon (also trimmed ones)
 *   PREFIX:{pid}:g         hash    daily aggregates of the trimmed events (field names: see rules' Aggregates)
 *   PREFIX:{pid}:m         hash    r:TYPE → retained-from time of TYPE; merged:VID → 1
 *   PREFIX:alias:{vid}     string  the member id a visitor id belongs to
 *   PREFIX:changes         channel "origin\npid\npid…": profiles that changed ("#catalog": the catalog did)
 *   PREFIX:catalog         hash    product id → JSON product
 *   PREFIX:imports         list    import run ids, newest first
 *   PREFIX:import-runs     hash    import run id → the run (JSON)
 *   PREFIX:imported        hash    sha256 of an imported file → the id of the run that imported it
 *   PREFIX:recs            string  the recommendation model (gzip), written by build-recs
 *   PREFIX:format          string  "2" once every profile is in the layout above (FormatMigration)
 *   PREFIX:{coupon:POOL}:free   list  codes of a pool not given out yet, in import order
 *   PREFIX:{coupon:POOL}:given  hash  member id → the code they got
 *   PREFIX:{coupon:POOL}:all    set   every code ever imported into the pool (a re-import adds none twice)
 *   PREFIX:staff:session:HASH   hash  a staff session (HASH: sha256 of the cookie's token); expires when idle
 *   PREFIX:staff:fails:user:USER  string  wrong passwords for a staff user name, expires with the login window
 *   PREFIX:staff:fails:ip:ADDR    string  wrong passwords from a client address, expires with the login window
 *   PREFIX:staff:audit          stream  staff lookups and sign-ins (who, store, member id, what, outcome), capped
 * </pre>
 * A member's code is also kept in their profile as the attribute {@code coupon:POOL}.
 */
public final class ProfileKeys {

    /**
     * Visitor and member ids: printable, no braces (they would break the hash tag), no separators
     * used in messages. Anything else is rejected at the API.
     */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+=-]{1,128}");

    /** What a change message names when the catalog changed (not a valid profile id). */
    public static final String CATALOG_CHANGED = "#catalog";
    /** What a change message names when build-recs wrote a new recommendation model. */
    public static final String RECS_CHANGED = "#recs";
    /** What a change message names when codes were imported into a coupon pool. */
    public static final String COUPONS_CHANGED = "#coupons";

    /** The profile attribute holding the code a member got from a pool. */
    public static String couponAttribute(String pool) {
        return "coupon:" + pool;
    }

    /** What begins the profile id of a visitor's anonymous history; no member id can begin with it. */
    private static final String VISITOR = "~";

    private final String prefix;

    public ProfileKeys(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("bad key prefix \"" + prefix + "\": letters, digits, _ . - (at most 32)");
        }
        this.prefix = prefix;
    }

    /** Whether {@code id} matches {@link #ID}; checked by hand, as every request and imported row asks. */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '+' || c == '=' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code id} names a profile: a member id, or {@link #visitorPid} of a visitor id. */
    public static boolean isProfileId(String id) {
        return isValidId(id) || id != null && id.startsWith(VISITOR) && isValidId(id.substring(VISITOR.length()));
    }

    /**
     * The profile id of a visitor's anonymous history. Visitor ids come unsigned from browsers: were they
     * profile ids, anyone could read and write a member's profile by sending the member id as a visitor id.
     */
    public static String visitorPid(String vid) {
        return VISITOR + vid;
    }

    /** The visitor id of a {@link #visitorPid}, or null for a member id. */
    public static String visitorOf(String pid) {
        return pid.startsWith(VISITOR) ? pid.substring(VISITOR.length()) : null;
    }

    public String prefix() {
        return prefix;
    }

    /** The key base of a profile; scripts derive every other key of the profile from it. */
    public String base(String pid) {
        return prefix + ":{" + pid + "}";
    }

    public String attributes(String pid) {
        return base(pid) + ":a";
    }

    public String aggregates(String pid) {
        return base(pid) + ":g";
    }

    public String alias(String vid) {
        return prefix + ":alias:{" + vid + "}";
    }

    public String changes() {
        return prefix + ":changes";
    }

    public String catalog() {
        return prefix + ":catalog";
    }

    /** The layout version the store's profiles are in (see {@link FormatMigration}). */
    public String format() {
        return prefix + ":format";
    }

    public String recs() {
        return prefix + ":recs";
    }

    /** The base of a coupon pool's keys; they share one hash tag. */
    public String couponPool(String pool) {
        return prefix + ":{coupon:" + pool + "}";
    }

    public String imports() {
        return prefix + ":imports";
    }

    public String importRuns() {
        return prefix + ":import-runs";
    }

    public String imported() {
        return prefix + ":imported";
    }

    /** A staff session, by the sha256 (hex) of its cookie token: a copy of Redis holds no usable cookie. */
    public String staffSession(String tokenHash) {
        return prefix + ":staff:session:" + tokenHash;
    }

    public String staffUserFailures(String user) {
        return prefix + ":staff:fails:user:" + user;
    }

    public String staffIpFailures(String address) {
        return prefix + ":staff:fails:ip:" + address;
    }

    public String staffAudit() {
        return prefix + ":staff:audit";
    }
}
