package io.tsunagu.server.config;

import io.tsunagu.server.staff.PasswordHash;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The staff page and API ({@code /staff/}): who may sign in, how long a session lasts, how many wrong
 * passwords are tolerated, and what a lookup shows.
 *
 * @param accounts by user name; empty means nobody can sign in (the page still loads)
 * @param sessionIdle a session ends after this long without a request
 * @param sessionMax a session ends this long after sign-in, however busy (a shift)
 * @param loginWindow wrong passwords are counted over this window
 * @param maxFailuresPerUser wrong passwords for one user name within the window before 429
 * @param maxFailuresPerIp wrong passwords from one address within the window before 429
 * @param trustProxy take the scheme and client address from X-Forwarded-Proto / X-Forwarded-For
 *     (only behind a proxy that sets them)
 * @param attributes the profile attributes a lookup shows, in this order
 * @param recentViews how many recent page views a lookup shows
 * @param auditMax audit entries kept (the oldest are dropped)
 */
public record StaffSettings(
        Map<String, Account> accounts,
        Duration sessionIdle,
        Duration sessionMax,
        Duration loginWindow,
        int maxFailuresPerUser,
        int maxFailuresPerIp,
        boolean trustProxy,
        List<String> attributes,
        int recentViews,
        long auditMax) {

    /** User names: what a person types, and safe in a Redis key and a log line. */
    public static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    /** Store ids as the POS and visit feeds write them ({@code store_id}). */
    public static final Pattern STORE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    public static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    public static final List<String> DEFAULT_ATTRIBUTES = List.of("first_name", "last_name", "name", "member_rank",
            "home_store", "region", "joined_on", "email_opt_in");

    /**
     * A staff account.
     *
     * @param store the store the person works at (audited; the restriction's store)
     * @param role what the person is ("staff", "manager", …): shown and audited
     * @param restrictToStore may only look up customers who visited, booked or bought at {@code store}
     */
    public record Account(String user, PasswordHash password, String store, String role, boolean restrictToStore) {
    }

    public StaffSettings {
        accounts = Map.copyOf(accounts);
        attributes = List.copyOf(attributes);
    }

    public Account account(String user) {
        return user == null ? null : accounts.get(user);
    }
}
