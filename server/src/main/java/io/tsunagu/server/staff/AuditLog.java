package io.tsunagu.server.staff;

import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who looked at which customer, when, and with what outcome — a Redis stream shared by every server
 * instance, capped at the configured number of entries (the oldest go first). Entry ids are Redis
 * stream ids ({@code ms-seq}), so they are times and page cursors at once.
 *
 * <p>A lookup is answered only after its entry is stored: a customer's data is never shown without
 * a record of it. The application log gets none of this (it would hold member ids).
 */
public final class AuditLog {

    /** A Redis stream id: an audit page cursor. */
    public static final Pattern ID = Pattern.compile("\\d{1,20}-\\d{1,20}");
    /**
     * Whether {@code id} is a stream id Redis accepts as a cursor: {@link #ID}, each part below 2^64
     * (Redis refuses a larger one with an error).
     */
    public static boolean isCursor(String id) {
        if (!ID.matcher(id).matches()) {
            return false;
        }
        int dash = id.indexOf('-');
        try {
            Long.parseUnsignedLong(id.substring(0, dash));
            Long.parseUnsignedLong(id.substring(dash + 1));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** How many stored entries one filtered read looks through at most. */
    static final int MAX_SCAN = 10_000;

    /**
     * One entry.
     *
     * @param action {@code customer}, {@code timeline}, {@code login}, {@code logout}
     * @param outcome {@code ok}, {@code denied} (store restriction), {@code not_found}, {@code failed}
     *     (wrong password), {@code blocked} (too many wrong passwords)
     * @param uid the member looked up, or null
     */
    public record Entry(long ts, String user, String store, String role, String action, String uid, String outcome,
            String address) {
    }

    private final RedisProfileStore store;
    private final ProfileKeys keys;
    private final long max;

    public AuditLog(RedisProfileStore store, long max) {
        this.store = store;
        this.keys = store.keys();
        this.max = max;
    }

    public Future<Void> record(Entry e) {
        Request r = Request.cmd(Command.XADD).arg(keys.staffAudit()).arg("MAXLEN").arg("~").arg(max).arg("*")
                .arg("ts").arg(e.ts()).arg("user").arg(e.user()).arg("store").arg(nz(e.store()))
                .arg("role").arg(nz(e.role())).arg("action").arg(e.action()).arg("outcome").arg(e.outcome())
                .arg("address").arg(nz(e.address()));
        if (e.uid() != null) {
            r.arg("uid").arg(e.uid());
        }
        return store.batch(List.of(r)).mapEmpty();
    }

    /**
     * Entries newest first, before the entry id {@code before} (null: from the newest), those matching
     * the filters (null: any).
     *
     * @return the entries (each with its {@code id}) and the cursor of the next page, or null at the end
     */
    public Future<Map<String, Object>> read(int limit, String before, String user, String uid, String action) {
        if (before != null && before.matches("0+-0+")) {
            // Nothing comes before the first possible id (and Redis refuses an exclusive range ending there).
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("entries", List.of());
            none.put("next_before", null);
            return Future.succeededFuture(none);
        }
        boolean filtered = user != null || uid != null || action != null;
        int count = filtered ? Math.min(MAX_SCAN, Math.max(limit * 20, 1_000)) : limit;
        Request r = Request.cmd(Command.XREVRANGE).arg(keys.staffAudit()).arg(before == null ? "+" : "(" + before).arg("-")
                .arg("COUNT").arg(count);
        return store.batch(List.of(r)).map(rs -> {
            Response list = rs.get(0);
            List<Object> entries = new ArrayList<>();
            String last = null;
            int n = list == null ? 0 : list.size();
            boolean full = false;
            for (int i = 0; i < n; i++) {
                Response item = list.get(i);
                last = item.get(0).toString();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", last);
                Response fields = item.get(1);
                for (int k = 0; k + 1 < fields.size(); k += 2) {
                    String f = fields.get(k).toString();
                    String v = fields.get(k + 1).toString();
                    m.put(f, f.equals("ts") ? (Object) Long.parseLong(v) : v);
                }
                if ((user == null || user.equals(m.get("user"))) && (uid == null || uid.equals(m.get("uid")))
                        && (action == null || action.equals(m.get("action")))) {
                    entries.add(m);
                    if (entries.size() == limit) {
                        full = true;
                        break;
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("entries", entries);
            // More may follow if this page is full, or a filtered scan stopped before the end of the log.
            out.put("next_before", full || n == count ? last : null);
            return out;
        });
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
