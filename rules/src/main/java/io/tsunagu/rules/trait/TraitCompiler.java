package io.tsunagu.rules.trait;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.source.Durations;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compiles one trait definition, e.g. {@code { count: purchase, within: 365d, where: { channel: store } }}.
 * Reports every problem with its location and returns null when the trait cannot be built.
 */
public final class TraitCompiler {

    private static final Set<String> KINDS = Set.of("count", "sum", "min", "max", "first", "last", "distinct", "top",
            "sequence");
    private static final Set<String> OPTIONS = Set.of("within", "where", "n", "span", "description");

    private final Problems problems;
    private final ConditionCompiler where;
    private final ProfilePolicy policy;

    /** @param where compiles {@code where} conditions (paths are event properties) */
    public TraitCompiler(Problems problems, ConditionCompiler where, ProfilePolicy policy) {
        this.problems = problems;
        this.where = where;
        this.policy = policy;
    }

    public Trait compile(String name, Node node, Loc nameLoc) {
        if (!(node instanceof Node.MapNode def)) {
            problems.error(node.loc(), "trait \"" + name + "\" must be a mapping such as { count: purchase }, found "
                    + node.describe());
            return null;
        }
        String kind = null;
        Node.Entry kindEntry = null;
        boolean ok = true;
        for (Node.Entry e : def.entries().values()) {
            if (KINDS.contains(e.key())) {
                if (kind != null) {
                    problems.error(e.keyLoc(), "trait \"" + name + "\" has both " + kind + " and " + e.key()
                            + "; a trait computes one thing");
                    ok = false;
                }
                kind = e.key();
                kindEntry = e;
            } else if (!OPTIONS.contains(e.key())) {
                problems.error(e.keyLoc(), "unknown key \"" + e.key() + "\" in trait \"" + name + "\""
                        + Suggestions.didYouMean(e.key(), union()));
                ok = false;
            }
        }
        if (kind == null) {
            problems.error(def.loc(), "trait \"" + name + "\" needs one of " + String.join(", ", sorted(KINDS)));
            return null;
        }
        long within = def.has("within") ? Durations.parse(def.get("within"), "within", problems) : -1;
        if (def.has("within") && within < 0) {
            ok = false;
        }
        if (within > policy.aggregateDays() * 86_400_000L) {
            problems.warn(def.get("within").loc(), "within " + Durations.format(within) + " is longer than the "
                    + policy.aggregateDays() + " days of aggregates a profile keeps; older events are not counted");
        }
        if (def.has("n") && !kind.equals("top")) {
            problems.error(def.entries().get("n").keyLoc(), "n applies only to top");
            ok = false;
        }
        if (def.has("span") && !kind.equals("sequence")) {
            problems.error(def.entries().get("span").keyLoc(), "span applies only to sequence");
            ok = false;
        }
        if (kind.equals("sequence")) {
            if (def.has("where")) {
                problems.error(def.entries().get("where").keyLoc(),
                        "a sequence filters each step: write { event: TYPE, where: {…} } as a step");
                ok = false;
            }
            return sequence(name, kindEntry, def, within, nameLoc, ok);
        }
        String[] typeAndProp = target(kind, kindEntry);
        if (typeAndProp == null) {
            return null;
        }
        EventSelector selector = selector(typeAndProp[0], def.get("where"));
        if (selector == null || !ok) {
            return null;
        }
        Path prop = typeAndProp[1] == null ? null : Path.of(typeAndProp[1]);
        String measure = prop != null && prop.length() == 1 && policy.isMeasure(typeAndProp[1]) ? typeAndProp[1] : null;
        String dim = prop != null && prop.length() == 1 && policy.isDimension(typeAndProp[1]) ? typeAndProp[1] : null;
        Loc at = kindEntry.keyLoc();
        switch (kind) {
            case "count" -> {
                trimmedWarning(selector, null, false, at);
                return new Trait.Count(name, selector, within, nameLoc);
            }
            case "sum" -> {
                trimmedWarning(selector, measure, true, at);
                return new Trait.Sum(name, selector, prop, measure, within, nameLoc);
            }
            case "min", "max" -> {
                return new Trait.Extreme(name, selector, prop, measure, kind.equals("max"), within, nameLoc);
            }
            case "first", "last" -> {
                return new Trait.Edge(name, selector, prop, kind.equals("last"), within, nameLoc);
            }
            default -> {
                int n = 0;
                if (kind.equals("top")) {
                    n = def.has("n") ? positiveInt(def.get("n"), "n") : 3;
                    if (n <= 0) {
                        return null;
                    }
                }
                if (dim == null || (selector.hasWhere() && !dim.equals(selector.dimension()))) {
                    problems.warn(at, kind + " over \"" + typeAndProp[1] + "\" sees only the events a profile keeps (the "
                            + "last " + policy.maxEventsPerType() + " of each type); dimensions kept for longer: "
                            + String.join(", ", policy.dimensions()));
                }
                return new Trait.Values(name, selector, prop, n, within, nameLoc);
            }
        }
    }

    private Trait sequence(String name, Node.Entry entry, Node.MapNode def, long within, Loc nameLoc, boolean ok) {
        long span = def.has("span") ? Durations.parse(def.get("span"), "span", problems) : -1;
        if (!(entry.value() instanceof Node.ListNode list) || list.items().size() < 2) {
            problems.error(entry.value().loc(), "sequence needs a list of at least two steps, e.g. [store_visit, signup], found "
                    + entry.value().describe());
            return null;
        }
        List<Trait.Step> steps = new ArrayList<>();
        for (Node item : list.items()) {
            EventSelector sel = null;
            if (item instanceof Node.Scalar s && s.value() instanceof String type) {
                sel = eventType(type, item.loc()) ? selector(type, null) : null;
            } else if (item instanceof Node.MapNode step) {
                for (Node.Entry e : step.entries().values()) {
                    if (!e.key().equals("event") && !e.key().equals("where")) {
                        problems.error(e.keyLoc(), "unknown key \"" + e.key() + "\" in a sequence step; use event and where");
                        ok = false;
                    }
                }
                Node event = step.get("event");
                if (event == null) {
                    problems.error(step.loc(), "a sequence step needs an event type: { event: purchase, where: {…} }");
                } else if (event instanceof Node.Scalar s && s.value() instanceof String type && eventType(type, event.loc())) {
                    sel = selector(type, step.get("where"));
                } else if (!(event instanceof Node.Scalar s2 && s2.value() instanceof String)) {
                    problems.error(event.loc(), "event must be an event type, found " + event.describe());
                }
            } else {
                problems.error(item.loc(), "a sequence step is an event type or { event: TYPE, where: {…} }, found "
                        + item.describe());
            }
            if (sel == null) {
                ok = false;
            } else {
                steps.add(new Trait.Step(sel));
            }
        }
        if (!ok || (def.has("span") && span < 0)) {
            return null;
        }
        return new Trait.Sequence(name, steps.toArray(Trait.Step[]::new), within, span, nameLoc);
    }

    /** {TYPE, PROP-or-null} from "purchase" or "purchase.amount", checking what the kind needs. */
    private String[] target(String kind, Node.Entry entry) {
        Node v = entry.value();
        if (!(v instanceof Node.Scalar s) || !(s.value() instanceof String text) || text.isBlank()) {
            problems.error(v.loc(), kind + " needs " + example(kind) + ", found " + v.describe());
            return null;
        }
        int dot = text.indexOf('.');
        String type = dot < 0 ? text : text.substring(0, dot);
        String prop = dot < 0 ? null : text.substring(dot + 1);
        if (!eventType(type, v.loc())) {
            return null;
        }
        boolean needsProp = switch (kind) {
            case "sum", "min", "max", "distinct", "top" -> true;
            default -> false;
        };
        if (needsProp && (prop == null || prop.isEmpty())) {
            problems.error(v.loc(), kind + " needs an event property: " + example(kind) + ", found \"" + text + "\"");
            return null;
        }
        if (kind.equals("count") && prop != null) {
            problems.error(v.loc(), "count takes an event type (\"" + type + "\"), not a property (\"" + text
                    + "\"); filter with where: { " + prop + ": … }");
            return null;
        }
        if (prop != null && (prop.isEmpty() || prop.endsWith(".") || prop.contains(".."))) {
            problems.error(v.loc(), "bad property path \"" + prop + "\"");
            return null;
        }
        return new String[] {type, prop};
    }

    private boolean eventType(String type, Loc loc) {
        if (!Event.TYPE.matcher(type).matches()) {
            problems.error(loc, "bad event type \"" + type + "\": letters, digits, _ and -, starting with a letter");
            return false;
        }
        if (!Event.COMMON_TYPES.contains(type)) {
            String hint = Suggestions.didYouMean(type, Event.COMMON_TYPES);
            if (!hint.isEmpty()) {
                problems.warn(loc, "event type \"" + type + "\" is not one the tag, the API or the example feeds send"
                        + hint + "; as a custom type it counts only events sent under that name");
            }
        }
        return true;
    }

    private EventSelector selector(String type, Node whereNode) {
        if (whereNode == null) {
            return new EventSelector(type, null, null, null);
        }
        int before = problems.errorCount();
        Condition condition = where.compile(whereNode);
        if (problems.errorCount() > before) {
            return null;
        }
        String dimension = null;
        String[] values = null;
        // `where` on one aggregate dimension, by equality or $in, can be answered from aggregates too.
        if (whereNode instanceof Node.MapNode m && m.entries().size() == 1) {
            Node.Entry e = m.entries().values().iterator().next();
            if (policy.isDimension(e.key())) {
                values = literals(e.value());
                dimension = values == null ? null : e.key();
            }
        }
        return new EventSelector(type, condition, dimension, values);
    }

    /** The values a test accepts when it is equality or $in with scalars; null otherwise. */
    private static String[] literals(Node test) {
        if (test instanceof Node.Scalar s && s.value() != null && !(s.value() instanceof Boolean)) {
            return new String[] {ProfilePolicy.dimensionValues(s.value()).get(0)};
        }
        if (test instanceof Node.MapNode m && m.entries().size() == 1) {
            Node.Entry op = m.entries().values().iterator().next();
            if (op.key().equals("$eq")) {
                return literals(op.value());
            }
            if (op.key().equals("$in") && op.value() instanceof Node.ListNode list) {
                List<String> out = new ArrayList<>();
                for (Node item : list.items()) {
                    if (!(item instanceof Node.Scalar s) || s.value() == null || s.value() instanceof Boolean) {
                        return null;
                    }
                    out.add(ProfilePolicy.dimensionValues(s.value()).get(0));
                }
                return out.toArray(String[]::new);
            }
        }
        return null;
    }

    private void trimmedWarning(EventSelector selector, String measure, boolean needsMeasure, Loc at) {
        if (!selector.aggregatable() || (needsMeasure && measure == null)) {
            problems.warn(at, "this trait sees only the events a profile keeps (the last " + policy.maxEventsPerType()
                    + " of each type); for older ones, filter `where` on one of " + String.join(", ", policy.dimensions())
                    + (needsMeasure ? " and sum one of " + String.join(", ", policy.measures()) : ""));
        }
    }

    private int positiveInt(Node node, String what) {
        if (node instanceof Node.Scalar s && s.value() instanceof Long l && l > 0 && l <= 1000) {
            return (int) (long) l;
        }
        problems.error(node.loc(), what + " must be a whole number from 1 to 1000, found " + node.describe());
        return -1;
    }

    private static String example(String kind) {
        return switch (kind) {
            case "count" -> "an event type, e.g. count: purchase";
            case "first", "last" -> "an event type or type.property, e.g. " + kind + ": store_visit.store_id";
            default -> "type.property, e.g. " + kind + ": purchase." + (kind.equals("sum") || kind.equals("min")
                    || kind.equals("max") ? "amount" : "brand");
        };
    }

    private static Set<String> union() {
        Set<String> all = new java.util.TreeSet<>(KINDS);
        all.addAll(OPTIONS);
        return all;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
