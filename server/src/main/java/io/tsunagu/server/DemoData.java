package io.tsunagu.server;

import io.tsunagu.recs.Catalog;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.server.config.StaffSettings;
import io.tsunagu.server.staff.PasswordHash;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A few demo members whose histories show off the example rules: a Shibuya store visitor, a gold
 * member, a regular who stopped buying, a store visitor who then signed up. Event ids carry the day,
 * so running the demo again the same day adds nothing, and a new day's run keeps "3 days ago" true.
 */
public final class DemoData {

    private static final long DAY = 86_400_000L;

    public record Member(String uid, String name, String story, Map<String, Object> attributes, List<Event> events) {
    }

    private DemoData() {
    }

    public static List<Member> members(long now) {
        String day = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC).toString().replace("-", "");
        List<Member> out = new ArrayList<>();
        out.add(new Member("M-1002", "Aiko", "visited the Shibuya store 3 days ago, booked a visit for tomorrow; "
                + "buys Kumo in store and browses it online",
                attrs("Aiko", "silver"), events(day, "M-1002", now,
                        ev("store_visit", 3, "store_id", "shibuya"),
                        ev("purchase", 60, "channel", "store", "store_id", "shibuya", "brand", "kumo", "amount", 12_000),
                        ev("purchase", 20, "channel", "store", "store_id", "shibuya", "brand", "kumo", "amount", 9_000),
                        ev("store_visit", -1, "store_id", "shibuya", "kind", "reservation"))));
        out.add(new Member("M-2001", "Yui", "a gold member", attrs("Yui", "gold"), events(day, "M-2001", now,
                ev("purchase", 45, "channel", "web", "brand", "hoshi", "amount", 24_000),
                ev("purchase", 12, "channel", "store", "store_id", "ginza", "brand", "kumo", "amount", 31_000))));
        out.add(new Member("M-1005", "Kenji", "bought three times, but not for over 3 months",
                attrs("Kenji", "silver"), events(day, "M-1005", now,
                        ev("purchase", 200, "channel", "store", "store_id", "umeda", "brand", "kumo", "amount", 12_000),
                        ev("purchase", 150, "channel", "web", "brand", "kumo", "amount", 8_000),
                        ev("purchase", 120, "channel", "store", "store_id", "umeda", "brand", "hoshi", "amount", 15_000))));
        out.add(new Member("M-2004", "Ren", "visited the Ginza store, then signed up online",
                attrs("Ren", "bronze"), events(day, "M-2004", now,
                        ev("store_visit", 10, "store_id", "ginza"),
                        ev("signup", 2))));
        return out;
    }

    /** Writes the demo members (idempotently); Aiko's web browsing names made-up products. */
    static Future<Void> seed(RedisProfileStore store, ProfilePolicy policy, long now) {
        return seed(store, policy, Catalog.EMPTY, now);
    }

    /** Writes the demo members (idempotently), with Aiko's recent web browsing of products in {@code catalog}. */
    static Future<Void> seed(RedisProfileStore store, ProfilePolicy policy, Catalog catalog, long now) {
        List<Future<?>> writes = new ArrayList<>();
        for (Member m : members(now)) {
            writes.add(store.setAttributes(m.uid(), m.attributes()));
            writes.add(store.apply(m.uid(), m.events(), policy, now));
        }
        writes.add(store.apply("M-1002", browsing("M-1002", catalog, now), policy, now));
        return Future.all(writes).compose(v -> store.publishChanges("demo",
                members(now).stream().map(Member::uid).toList())).mapEmpty();
    }

    static final String STAFF_USER = "demo";

    /** The staff page's demo account: works at Shibuya, may look up anyone. */
    static StaffSettings withStaffAccount(StaffSettings staff, String password) {
        Map<String, StaffSettings.Account> accounts = new LinkedHashMap<>(staff.accounts());
        accounts.putIfAbsent(STAFF_USER, new StaffSettings.Account(STAFF_USER,
                PasswordHash.create(password.toCharArray(), PasswordHash.DEFAULT_ITERATIONS), "shibuya", "staff", false));
        return new StaffSettings(accounts, staff.sessionIdle(), staff.sessionMax(), staff.loginWindow(),
                staff.maxFailuresPerUser(), staff.maxFailuresPerIp(), staff.trustProxy(), staff.attributes(),
                staff.recentViews(), staff.auditMax());
    }

    /**
     * Page views over the last two days, as the tag records them: Kumo products (the brand she buys in
     * store) and a few Hoshi ones, from the imported catalog; made-up ids when nothing was imported.
     */
    static List<Event> browsing(String uid, Catalog catalog, long now) {
        String day = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC).toString().replace("-", "");
        List<Catalog.Product> products = new ArrayList<>();
        catalog.brand("kumo").stream().limit(5).forEach(products::add);
        catalog.brand("hoshi").stream().limit(2).forEach(products::add);
        List<Event> out = new ArrayList<>();
        int n = products.isEmpty() ? 5 : products.size();
        for (int i = 0; i < n; i++) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("page_type", "product");
            if (products.isEmpty()) {
                props.put("product_id", "KUMO-" + (i + 1));
                props.put("brand", "kumo");
                props.put("title", "Kumo item " + (i + 1));
            } else {
                Catalog.Product p = products.get(i);
                props.put("product_id", p.id());
                props.put("brand", p.brand());
                if (p.category() != null) {
                    props.put("category", p.category());
                }
                if (p.fields().get("name") instanceof String name) {
                    props.put("title", name);
                }
            }
            props.put("url", "/products/" + props.get("product_id"));
            // Newest last: the first product was looked at two days ago, the last one an hour ago.
            long ts = now - 3_600_000L - (long) (n - 1 - i) * (47 * 3_600_000L / Math.max(1, n - 1));
            out.add(new Event("demo-" + day + "-" + uid + "-web-" + (i + 1), "page_view", ts, props));
        }
        return out;
    }

    private static Map<String, Object> attrs(String name, String rank) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first_name", name);
        m.put("member_rank", rank);
        return m;
    }

    private record Ev(String type, int daysAgo, Object[] props) {
    }

    private static Ev ev(String type, int daysAgo, Object... props) {
        return new Ev(type, daysAgo, props);
    }

    private static List<Event> events(String day, String uid, long now, Ev... evs) {
        List<Event> out = new ArrayList<>();
        int n = 0;
        for (Ev e : evs) {
            Map<String, Object> props = new LinkedHashMap<>();
            for (int i = 0; i < e.props().length; i += 2) {
                props.put((String) e.props()[i], e.props()[i + 1]);
            }
            out.add(new Event("demo-" + day + "-" + uid + "-" + (++n), e.type(), now - e.daysAgo() * DAY, props));
        }
        return out;
    }
}
