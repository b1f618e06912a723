package io.tsunagu.server;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
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
        out.add(new Member("M-1002", "Aiko", "visited the Shibuya store 3 days ago; buys Kumo in store",
                attrs("Aiko", "silver"), events(day, "M-1002", now,
                        ev("store_visit", 3, "store_id", "shibuya"),
                        ev("purchase", 60, "channel", "store", "store_id", "shibuya", "brand", "kumo", "amount", 12_000),
                        ev("purchase", 20, "channel", "store", "store_id", "shibuya", "brand", "kumo", "amount", 9_000))));
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

    /** Writes the demo members (idempotently). */
    static Future<Void> seed(RedisProfileStore store, ProfilePolicy policy, long now) {
        List<Future<?>> writes = new ArrayList<>();
        for (Member m : members(now)) {
            writes.add(store.setAttributes(m.uid(), m.attributes()));
            writes.add(store.apply(m.uid(), m.events(), policy, now));
        }
        return Future.all(writes).compose(v -> store.publishChanges("demo",
                members(now).stream().map(Member::uid).toList())).mapEmpty();
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
