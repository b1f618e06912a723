package io.tsunagu.rules.cli;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.Durations;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Shapes;
import io.tsunagu.rules.source.SourceReader;
import io.tsunagu.rules.source.Times;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads fixture files ({@code *.test.yaml}):
 * <pre>
 * tests:
 *   - name: Shibuya visitor gets the coupon
 *     now: 2026-12-05T10:00:00+09:00
 *     profile:
 *       id: M-1001
 *       attributes: { member_rank: silver }
 *       events:
 *         - { type: store_visit, ago: 3d, store_id: shibuya }   # or at: 2026-12-02T12:00, or ts: epoch ms
 *     page: { type: home }
 *     visit: { uid: M-1001 }
 *     impressions: { shibuya-store-coupon: 1 }                 # optional
 *     expect:
 *       hero: shibuya-store-coupon/coupon                     # campaign[/variant], or none
 *       segments: [recent_store_visitor]                      # optional: is in these
 *       not_segments: [vip]                                   # optional: is in none of these
 *       traits: { shibuya_visits_30d: 1 }                     # optional
 * </pre>
 */
final class FixtureReader {

    private static final List<String> TEST_KEYS = List.of("name", "now", "profile", "page", "visit", "slots", "expect",
            "impressions");
    private static final List<String> EVENT_TIME = List.of("ago", "at", "ts");

    private final Problems problems;
    private final ZoneId zone;

    FixtureReader(Problems problems, ZoneId zone) {
        this.problems = problems;
        this.zone = zone;
    }

    List<Fixture> read(String file, String text) {
        List<Fixture> out = new ArrayList<>();
        Node root = SourceReader.readYaml(file, text, problems);
        if (root == null) {
            return out;
        }
        Node.MapNode map = Shapes.map(root, "a fixture file", problems);
        if (map == null) {
            return out;
        }
        Shapes.onlyKeys(map, List.of("tests"), "a fixture file", problems);
        if (!(map.get("tests") instanceof Node.ListNode tests)) {
            problems.error(map.loc(), "a fixture file needs tests: a list of { name, now, profile, page, expect }");
            return out;
        }
        for (Node t : tests.items()) {
            Fixture f = fixture(file, t);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private Fixture fixture(String file, Node node) {
        int before = problems.errorCount();
        Node.MapNode t = Shapes.map(node, "a test", problems);
        if (t == null) {
            return null;
        }
        Shapes.onlyKeys(t, TEST_KEYS, "a test", problems);
        String name = t.has("name") ? Shapes.string(t.get("name"), "name", problems) : "test at line " + t.loc().line();
        if (!t.has("now")) {
            problems.error(t.loc(), "test \"" + name + "\" needs now: the moment it is evaluated at");
            return null;
        }
        long now = Times.parse(t.get("now"), zone, false, "now", problems);
        String id = "fixture";
        Map<String, Object> attributes = Map.of();
        List<Event> events = new ArrayList<>();
        if (t.has("profile")) {
            Node.MapNode p = Shapes.map(t.get("profile"), "profile", problems);
            if (p != null) {
                Shapes.onlyKeys(p, List.of("id", "attributes", "events"), "profile", problems);
                id = p.has("id") ? Shapes.string(p.get("id"), "profile id", problems) : id;
                attributes = p.has("attributes") ? plainMap(p.get("attributes"), "attributes") : attributes;
                if (p.has("events")) {
                    events = events(p.get("events"), now);
                }
            }
        }
        Map<String, Object> page = t.has("page") ? plainMap(t.get("page"), "page") : Map.of();
        Map<String, Object> visit = t.has("visit") ? plainMap(t.get("visit"), "visit") : Map.of();
        Map<String, Integer> impressions = t.has("impressions") ? impressions(t.get("impressions")) : null;
        List<Fixture.Expectation> expectations = new ArrayList<>();
        List<String> slots = new ArrayList<>();
        if (!t.has("expect")) {
            problems.error(t.loc(), "test \"" + name + "\" needs expect: what each slot should show");
        } else {
            expectations = expectations(t.get("expect"), slots);
        }
        if (t.has("slots")) {
            slots = strings(t.get("slots"), "slots");
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new Fixture(file, name, t.loc(), now, id, attributes, events, page, visit, slots, expectations, impressions);
    }

    private List<Event> events(Node node, long now) {
        List<Event> out = new ArrayList<>();
        if (!(node instanceof Node.ListNode list)) {
            problems.error(node.loc(), "events must be a list, found " + node.describe());
            return out;
        }
        int n = 0;
        for (Node item : list.items()) {
            Node.MapNode e = Shapes.map(item, "an event", problems);
            if (e == null) {
                continue;
            }
            String type = e.has("type") ? Shapes.id(e.get("type"), Event.TYPE, "event type", problems) : null;
            if (!e.has("type")) {
                problems.error(e.loc(), "an event needs a type");
            }
            long ts = Long.MIN_VALUE;
            int times = 0;
            for (String k : EVENT_TIME) {
                if (e.has(k)) {
                    times++;
                }
            }
            if (times != 1) {
                problems.error(e.loc(), "an event needs exactly one of ago (e.g. 3d), at (a date/time) or ts (epoch ms)");
            } else if (e.has("ago")) {
                long ago = Durations.parse(e.get("ago"), "ago", problems);
                ts = ago < 0 ? Long.MIN_VALUE : now - ago;
            } else if (e.has("at")) {
                ts = Times.parse(e.get("at"), zone, false, "at", problems);
            } else {
                ts = Shapes.integer(e.get("ts"), 0, Long.MAX_VALUE, "ts", Long.MIN_VALUE, problems);
            }
            Map<String, Object> props = new LinkedHashMap<>();
            String id = null;
            for (Node.Entry entry : e.entries().values()) {
                switch (entry.key()) {
                    case "type", "ago", "at", "ts" -> { }
                    case "id" -> id = Shapes.string(entry.value(), "id", problems);
                    case "props" -> props.putAll(plainMap(entry.value(), "props"));
                    default -> props.put(entry.key(), entry.value().toPlain());
                }
            }
            if (type != null && ts != Long.MIN_VALUE) {
                out.add(new Event(id == null ? "fixture-" + (n++) : id, type, ts, props));
            }
        }
        return out;
    }

    private List<Fixture.Expectation> expectations(Node node, List<String> slots) {
        List<Fixture.Expectation> out = new ArrayList<>();
        Node.MapNode m = Shapes.map(node, "expect", problems);
        if (m == null) {
            return out;
        }
        for (Node.Entry e : m.entries().values()) {
            switch (e.key()) {
                case "segments", "not_segments" -> {
                    boolean member = e.key().equals("segments");
                    for (String s : strings(e.value(), e.key())) {
                        out.add(new Fixture.SegmentExpectation(s, member, e.keyLoc()));
                    }
                }
                case "traits" -> {
                    Node.MapNode traits = Shapes.map(e.value(), "traits", problems);
                    if (traits != null) {
                        for (Node.Entry t : traits.entries().values()) {
                            out.add(new Fixture.TraitExpectation(t.key(), t.value().toPlain(), t.keyLoc()));
                        }
                    }
                }
                default -> {
                    slots.add(e.key());
                    Object v = e.value().toPlain();
                    if (v == null || "none".equals(v)) {
                        out.add(new Fixture.SlotExpectation(e.key(), null, null, e.keyLoc()));
                    } else if (v instanceof String s) {
                        int slash = s.indexOf('/');
                        out.add(new Fixture.SlotExpectation(e.key(), slash < 0 ? s : s.substring(0, slash),
                                slash < 0 ? null : s.substring(slash + 1), e.keyLoc()));
                    } else {
                        problems.error(e.value().loc(), "expect for slot \"" + e.key()
                                + "\" must be a campaign id, campaign/variant, or none; found " + e.value().describe());
                    }
                }
            }
        }
        return out;
    }

    private Map<String, Integer> impressions(Node node) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Node.MapNode m = Shapes.map(node, "impressions", problems);
        if (m != null) {
            for (Node.Entry e : m.entries().values()) {
                out.put(e.key(), (int) Shapes.integer(e.value(), 0, 1_000_000, "impressions", 0, problems));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plainMap(Node node, String what) {
        Node.MapNode m = Shapes.map(node, what, problems);
        return m == null ? Map.of() : (Map<String, Object>) m.toPlain();
    }

    private List<String> strings(Node node, String what) {
        List<String> out = new ArrayList<>();
        if (!(node instanceof Node.ListNode list)) {
            problems.error(node.loc(), what + " must be a list, found " + node.describe());
            return out;
        }
        for (Node item : list.items()) {
            String s = Shapes.string(item, what, problems);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }
}
