package io.tsunagu.server.http;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.store.ProfileKeys;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The bodies of {@code POST /v1/decide} and {@code POST /v1/events}, checked field by field. Anything
 * a client could get wrong is a 400 that names the field; nothing here throws anything else.
 */
final class Requests {

    static final int MAX_SLOTS = 20;
    static final int MAX_EVENTS = 100;
    /** Events one request stores at most once orders are split into lines (a profile keeps 200 of a type). */
    static final int MAX_STORED = 200;
    private static final Pattern SLOT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final long DAY = 86_400_000L;
    /** 2000-01-01: nothing a site sends happened before. */
    private static final long EARLIEST = 946_684_800_000L;

    /** Who a request says it is from. */
    record Who(String vid, String uid, String signature) {
    }

    record Decide(Who who, String pageViewId, Map<String, Object> page, List<String> slots) {
    }

    record Track(Who who, List<Event> events) {
    }

    private static final String WEB = "web";

    private Requests() {
    }

    static Decide decide(Object body) {
        Map<String, Object> m = object(body, "the body");
        Who who = who(m);
        String id = optionalId(m, "id");
        Map<String, Object> page = m.containsKey("page") && m.get("page") != null ? object(m.get("page"), "\"page\"") : Map.of();
        List<String> slots = new ArrayList<>();
        Object s = m.get("slots");
        if (s != null) {
            if (!(s instanceof List<?> list) || list.size() > MAX_SLOTS) {
                throw ApiException.badRequest("\"slots\" must be a list of at most " + MAX_SLOTS + " slot names");
            }
            for (Object slot : list) {
                if (!(slot instanceof String name) || !SLOT.matcher(name).matches()) {
                    throw ApiException.badRequest("\"slots\" must hold slot names (letters, digits, _ and -), found " + show(slot));
                }
                slots.add(name);
            }
        }
        return new Decide(who, id, page, slots);
    }

    /** The events a browser sends ({@code POST /v1/events}): web events only, purchases on the web channel. */
    static Track events(Object body, long now) {
        return events(body, now, false);
    }

    /**
     * The events of {@code body}; {@code trusted} (a system with the admin token, not a browser) may also
     * send offline types and store purchases.
     */
    static Track events(Object body, long now, boolean trusted) {
        Map<String, Object> m = object(body, "the body");
        Who who = who(m);
        Object list = m.get("events");
        if (!(list instanceof List<?> items) || items.isEmpty() || items.size() > MAX_EVENTS) {
            throw ApiException.badRequest("\"events\" must be a list of 1 to " + MAX_EVENTS + " events");
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = "\"events[" + i + "]";
            Map<String, Object> e = object(items.get(i), at + "\"");
            Object type = e.get("type");
            if (!(type instanceof String t) || !Event.TYPE.matcher(t).matches()) {
                throw ApiException.badRequest(at + ".type\" must be an event type (letters, digits, _ and -, starting with "
                        + "a letter), found " + show(type));
            }
            if (!trusted && Event.OFFLINE_TYPES.contains(t)) {
                throw ApiException.badRequest(at + ".type\" " + t + " records what happened offline: it comes from the "
                        + "retailer's own data (loader feeds, or POST /admin/v1/events), not from browsers");
            }
            long ts = e.get("ts") == null ? now : time(e.get("ts"), at + ".ts\"", now);
            String id = optionalId(e, "id");
            Map<String, Object> props = e.get("props") == null ? Map.of() : object(e.get("props"), at + ".props\"");
            if (!trusted && t.equals("purchase")) {
                props = onTheWeb(props, at);
            }
            if (id == null) {
                id = newId();
            }
            if (t.equals("purchase") && props.get("items") instanceof List<?> lines && !lines.isEmpty()) {
                if (events.size() + lines.size() > MAX_STORED) {
                    throw ApiException.badRequest("\"events\" may hold at most " + MAX_STORED + " events once orders are "
                            + "split into their lines; " + at + ".props.items\" brings it to " + (events.size() + lines.size()));
                }
                events.addAll(purchaseLines(id, ts, props, lines, at, trusted));
            } else {
                events.add(new Event(id, t, ts, props));
            }
        }
        return new Track(who, events);
    }

    /** A browser's purchase: on the web channel, whatever else it says (a store purchase comes from the POS). */
    private static Map<String, Object> onTheWeb(Map<String, Object> props, String at) {
        Object channel = props.get("channel");
        if (WEB.equals(channel)) {
            return props;
        }
        if (channel != null) {
            throw ApiException.badRequest(at + ".props.channel\" of a purchase sent here is web, found " + show(channel)
                    + ": store purchases come from the retailer's own data (loader feeds, or POST /admin/v1/events)");
        }
        Map<String, Object> web = new LinkedHashMap<>(props);
        web.put("channel", WEB);
        return web;
    }

    /**
     * A web order with {@code items} is stored as one purchase event per line, as the POS feed stores
     * store receipts, so that brand and product traits see online and store purchases alike. Each line
     * carries the order's properties and its own (product_id, brand, price, quantity, …); its amount
     * is the line's {@code amount}, else price × quantity.
     */
    private static List<Event> purchaseLines(String orderId, long ts, Map<String, Object> order, List<?> lines, String at,
            boolean trusted) {
        Map<String, Object> common = new LinkedHashMap<>(order);
        common.remove("items");
        common.remove("amount");
        common.putIfAbsent("order_id", orderId);
        List<Event> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> line = object(lines.get(i), at + ".props.items[" + i + "]\"");
            Map<String, Object> props = new LinkedHashMap<>(common);
            props.putAll(trusted ? line : onTheWeb(line, at + ".props.items[" + i + "]"));
            if (!line.containsKey("amount") && line.get("price") instanceof Number price) {
                double qty = line.get("quantity") instanceof Number q ? q.doubleValue() : 1;
                props.put("amount", price.doubleValue() * qty);
            }
            out.add(new Event(orderId + ":" + (i + 1), "purchase", ts, props));
        }
        return out;
    }

    private static Who who(Map<String, Object> m) {
        String vid = optionalId(m, "vid");
        String uid = optionalId(m, "uid");
        Object sig = m.get("uid_sig");
        if (sig != null && !(sig instanceof String)) {
            throw ApiException.badRequest("\"uid_sig\" must be a string (hex HMAC-SHA256 of the uid)");
        }
        if (vid == null && uid == null) {
            throw ApiException.badRequest("\"vid\" is required (or a signed \"uid\")");
        }
        return new Who(vid, uid, (String) sig);
    }

    private static String optionalId(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || !ProfileKeys.isValidId(s)) {
            throw ApiException.badRequest("\"" + field + "\" must be an id of 1 to 128 letters, digits and . _ : @ + = -, found "
                    + show(v));
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String what) {
        if (!(v instanceof Map)) {
            throw ApiException.badRequest(what + " must be a JSON object, found " + show(v));
        }
        return (Map<String, Object>) v;
    }

    /** Epoch milliseconds, or ISO-8601 with an offset; not before 2000, not more than a day ahead. */
    private static long time(Object v, String what, long now) {
        long ts;
        if (v instanceof Long l) {
            ts = l;
        } else if (v instanceof Double d && d == Math.rint(d)) {
            ts = d.longValue();
        } else if (v instanceof String s) {
            try {
                ts = OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(what + " must be epoch milliseconds or an ISO-8601 time with an offset "
                        + "(2026-11-20T10:00:00+09:00), found " + show(v));
            } catch (ArithmeticException e) {
                // A valid time, but beyond what epoch milliseconds hold (year ±999999999).
                throw ApiException.badRequest(what + " is out of range (before 2000, or more than a day ahead): " + show(v));
            }
        } else {
            throw ApiException.badRequest(what + " must be epoch milliseconds or an ISO-8601 time with an offset, found "
                    + show(v));
        }
        if (ts < EARLIEST || ts > now + DAY) {
            throw ApiException.badRequest(what + " is out of range (before 2000, or more than a day ahead): " + ts);
        }
        return ts;
    }

    /** A random 64-bit id in 16 hex digits: unique enough within one profile, small in memory and Redis. */
    static String newId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    private static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "a list";
        }
        return String.valueOf(v);
    }
}
