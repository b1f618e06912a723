package io.tsunagu.server.staff;

import io.tsunagu.recs.Catalog;
import io.tsunagu.rules.profile.Aggregates;
import io.tsunagu.rules.profile.DailySeries;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the staff page shows of a customer, built from a profile snapshot and the catalog: pure
 * functions, no I/O. Times are epoch milliseconds; the page shows them as "3 days ago" against the
 * response's {@code now}, so a tablet's wrong clock does not matter.
 */
public final class CustomerView {

    /** Event types a lookup treats as the customer having been at a store (with a {@code store_id}). */
    static final List<String> STORE_TYPES = List.of("store_visit", "purchase", "reservation", "booking", "appointment");
    /** Events of the site's own machinery, not of the customer: left out of the timeline. */
    static final Set<String> HIDDEN = Set.of("impression", "click");
    static final int STORE_PURCHASES = 20;
    static final int INTERESTS = 5;
    static final long DAY = 86_400_000L;

    private CustomerView() {
    }

    /** Whether there is anything stored for this id (an unknown member has neither attributes nor events). */
    public static boolean exists(Profile p) {
        return !p.attributes().isEmpty() || p.events().length > 0;
    }

    /**
     * Whether the customer visited, booked or bought at {@code store}: a kept visit, booking or store
     * purchase with that {@code store_id}, or one the aggregates still know of after the event itself
     * was trimmed. Other events count not: a page view of the store's page is not a visit.
     */
    public static boolean knownAtStore(Profile p, String store) {
        for (Event e : p.events()) {
            if (store.equals(e.prop("store_id")) && STORE_TYPES.contains(e.type())
                    && (!e.type().equals("purchase") || "store".equals(e.prop("channel")))) {
                return true;
            }
        }
        Aggregates a = p.aggregates();
        for (String type : STORE_TYPES) {
            if (a.values(type, "store_id").contains(store)) {
                return true;
            }
        }
        return false;
    }

    /** The lookup: attributes, segments, recent web browsing, interests, store purchases, visits ahead. */
    public static Map<String, Object> customer(Profile p, Catalog catalog, List<String> segments, ProfilePolicy policy,
            List<String> attributeNames, int recentViews, long now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uid", p.id());
        out.put("now", now);
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String name : attributeNames) {
            Object v = p.attributes().get(name);
            if (v != null) {
                attributes.put(name, v);
            }
        }
        out.put("attributes", attributes);
        out.put("segments", segments);
        out.put("recent_views", recentViews(p, catalog, recentViews));
        Map<String, Object> interests = new LinkedHashMap<>();
        interests.put("brands", interests(p, catalog, policy, "brand", now));
        interests.put("categories", interests(p, catalog, policy, "category", now));
        out.put("interests", interests);
        out.put("store_purchases", storePurchases(p, catalog));
        out.put("store_visits", storeVisits(p, now));
        return out;
    }

    /** The last page views, newest first, with the product's name, image and brand from the catalog. */
    static List<Object> recentViews(Profile p, Catalog catalog, int limit) {
        Event[] views = p.events("page_view");
        List<Object> out = new ArrayList<>(Math.min(limit, views.length));
        for (int i = views.length - 1; i >= 0 && out.size() < limit; i--) {
            Event e = views[i];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", e.ts());
            put(m, "page_type", e.prop("page_type"));
            put(m, "url", e.prop("url"));
            put(m, "title", e.prop("title"));
            product(m, e, catalog);
            out.add(m);
        }
        return out;
    }

    /** Store purchase lines, newest first. */
    static List<Object> storePurchases(Profile p, Catalog catalog) {
        Event[] purchases = p.events("purchase");
        List<Object> out = new ArrayList<>();
        for (int i = purchases.length - 1; i >= 0 && out.size() < STORE_PURCHASES; i--) {
            Event e = purchases[i];
            if (!"store".equals(e.prop("channel"))) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", e.ts());
            put(m, "store_id", e.prop("store_id"));
            put(m, "brand", e.prop("brand"));
            put(m, "category", e.prop("category"));
            put(m, "quantity", e.prop("quantity"));
            put(m, "amount", e.prop("amount"));
            product(m, e, catalog);
            out.add(m);
        }
        return out;
    }

    /** The last store visit and the visits booked ahead (a reservation is a visit in the future). */
    static Map<String, Object> storeVisits(Profile p, long now) {
        Event[] visits = p.events("store_visit");
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> last = null;
        List<Object> upcoming = new ArrayList<>();
        for (int i = visits.length - 1; i >= 0; i--) {
            Event e = visits[i];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", e.ts());
            put(m, "store_id", e.prop("store_id"));
            put(m, "kind", e.prop("kind"));
            if (e.ts() > now) {
                upcoming.add(0, m);
            } else if (last == null) {
                last = m;
            }
        }
        // Kept visits, plus the trimmed ones the aggregates count.
        DailySeries count = p.aggregates().count("store_visit");
        int today = Aggregates.day(now);
        long inYear = count == null ? 0 : Math.round(count.sum(today - 364, today));
        for (Event e : visits) {
            inYear += e.ts() > now - 365 * DAY && e.ts() <= now ? 1 : 0;
        }
        out.put("last", last);
        out.put("upcoming", upcoming);
        out.put("count_365d", inYear);
        return out;
    }

    /**
     * Brands or categories the customer cares about over the last year: page views count once, cart
     * additions twice, purchases three times. From the kept events (a product page without the
     * dimension takes it from the catalog) and, when the profile policy keeps that dimension, the
     * daily aggregates of the trimmed ones.
     */
    static List<Object> interests(Profile p, Catalog catalog, ProfilePolicy policy, String dim, long now) {
        Map<String, long[]> counts = new HashMap<>(); // value → views, carts, purchases
        String[] types = {"page_view", "add_to_cart", "purchase"};
        if (policy.isDimension(dim)) {
            Aggregates a = p.aggregates();
            int today = Aggregates.day(now);
            for (int t = 0; t < types.length; t++) {
                for (String value : a.values(types[t], dim)) {
                    DailySeries s = a.count(types[t], dim, value);
                    long n = s == null ? 0 : Math.round(s.sum(today - 364, today));
                    if (n > 0) {
                        counts.computeIfAbsent(value, k -> new long[3])[t] += n;
                    }
                }
            }
        }
        for (int t = 0; t < types.length; t++) {
            for (Event e : p.events(types[t])) {
                if (e.ts() <= now - 365 * DAY || e.ts() > now) {
                    continue;
                }
                Object v = e.prop(dim);
                if (v == null && e.prop("product_id") instanceof String id && catalog.get(id) != null) {
                    Catalog.Product product = catalog.get(id);
                    v = dim.equals("brand") ? product.brand() : dim.equals("category") ? product.category() : null;
                }
                if (v instanceof String s && !s.isEmpty()) {
                    counts.computeIfAbsent(s, k -> new long[3])[t]++;
                }
            }
        }
        List<Map.Entry<String, long[]>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -score(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : ranked.subList(0, Math.min(INTERESTS, ranked.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("value", e.getKey());
            m.put("views", e.getValue()[0]);
            m.put("carts", e.getValue()[1]);
            m.put("purchases", e.getValue()[2]);
            m.put("score", score(e.getValue()));
            out.add(m);
        }
        return out;
    }

    private static long score(long[] c) {
        return c[0] + 2 * c[1] + 3 * c[2];
    }

    // ---- timeline ------------------------------------------------------------------------------

    /** A timeline position: events strictly older than (ts, id) in newest-first order. */
    public record Cursor(long ts, String id) {

        /** Reads {@code before}: a cursor from a previous page, or plain epoch milliseconds. */
        public static Cursor parse(String text) {
            if (text == null || text.isEmpty()) {
                return null;
            }
            if (text.length() > 400) {
                throw new IllegalArgumentException("too long");
            }
            if (text.chars().allMatch(Character::isDigit) && text.length() <= 18) {
                return new Cursor(Long.parseLong(text), null);
            }
            String plain;
            try {
                plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a cursor");
            }
            int sep = plain.indexOf('|');
            try {
                return new Cursor(Long.parseLong(sep < 0 ? plain : plain.substring(0, sep)), sep < 0 ? null : plain.substring(sep + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cursor");
            }
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((ts + "|" + (id == null ? "" : id)).getBytes(StandardCharsets.UTF_8));
        }

        /** Whether {@code e} comes after this position, newest first: older, or as old with a smaller id. */
        boolean isBefore(Event e) {
            if (e.ts() != ts) {
                return e.ts() < ts;
            }
            return id != null && idOf(e).compareTo(id) < 0;
        }
    }

    /** Newest first: by time, then by id (descending), so that a cursor finds its place again. */
    static final Comparator<Event> NEWEST_FIRST = Comparator.comparingLong(Event::ts).reversed()
            .thenComparing(CustomerView::idOf, Comparator.reverseOrder());

    private static String idOf(Event e) {
        return e.id() == null ? "" : e.id();
    }

    /** One page of the unified timeline: web and offline events, newest first, each with a kind for its icon. */
    public static Map<String, Object> timeline(Profile p, Catalog catalog, Cursor before, int limit, long now) {
        List<Event> events = new ArrayList<>();
        for (Event e : p.events()) {
            if (!HIDDEN.contains(e.type()) && (before == null || before.isBefore(e))) {
                events.add(e);
            }
        }
        events.sort(NEWEST_FIRST);
        List<Object> out = new ArrayList<>(Math.min(limit, events.size()));
        for (int i = 0; i < events.size() && i < limit; i++) {
            Event e = events.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", e.ts());
            m.put("type", e.type());
            String kind = kind(e);
            m.put("kind", kind);
            m.put("channel", channel(kind));
            m.put("props", e.props());
            product(m, e, catalog);
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uid", p.id());
        body.put("now", now);
        body.put("events", out);
        body.put("next_before", events.size() > limit
                ? new Cursor(events.get(limit - 1).ts(), idOf(events.get(limit - 1))).encode() : null);
        return body;
    }

    /** What the page draws an event as. */
    static String kind(Event e) {
        return switch (e.type()) {
            case "page_view" -> "web_view";
            case "add_to_cart" -> "web_cart";
            case "purchase" -> "store".equals(e.prop("channel")) ? "store_purchase" : "web_purchase";
            case "store_visit" -> "reservation".equals(e.prop("kind")) ? "reservation" : "store_visit";
            case "reservation", "booking", "appointment" -> "reservation";
            case "call" -> "call";
            case "email_sent", "email_send" -> "email_sent";
            case "email_open" -> "email_open";
            case "survey", "nps" -> "survey";
            case "signup" -> "signup";
            default -> "other";
        };
    }

    static String channel(String kind) {
        return switch (kind) {
            case "web_view", "web_cart", "web_purchase", "signup" -> "web";
            case "store_purchase", "store_visit", "reservation" -> "store";
            case "call", "email_sent", "email_open", "survey" -> "contact";
            default -> "other";
        };
    }

    /** The product an event names, from the catalog (name, image, brand, …), as {@code product}. */
    private static void product(Map<String, Object> m, Event e, Catalog catalog) {
        if (!(e.prop("product_id") instanceof String id)) {
            return;
        }
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("id", id);
        Catalog.Product p = catalog.get(id);
        if (p != null) {
            put(product, "name", p.fields().get("name"));
            put(product, "brand", p.brand());
            put(product, "category", p.category());
            put(product, "image", p.fields().get("image"));
            put(product, "url", p.fields().get("url"));
            put(product, "price", p.fields().get("price"));
        } else {
            // Not (or no longer) in the catalog: what the event itself says.
            put(product, "name", e.prop("item_name") != null ? e.prop("item_name") : e.prop("title"));
            put(product, "brand", e.prop("brand"));
            put(product, "category", e.prop("category"));
        }
        m.put("product", product);
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
