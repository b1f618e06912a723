package io.tsunagu.rules;

import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.condition.ValueCondition;
import io.tsunagu.rules.condition.ValueSet;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Suggestions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What segment and campaign conditions may refer to: the document's roots, declared traits, declared
 * segments (named as literals compared with {@code segments}) and named lists. Records which segments
 * each {@code segments} test names, for dependency order and for explanations.
 */
final class RuleScope implements ConditionCompiler.Scope {

    static final List<String> ROOTS = List.of("attributes", "traits", "segments", "page", "visit", "now");
    static final List<String> NOW_FIELDS = List.of("ts", "date", "time", "hour", "minute", "weekday", "day", "month",
            "year");

    private final Set<String> traits;
    private final Set<String> segments;
    private final Map<String, ValueSet> lists;
    /** Segment ids named by each `segments` path, by path identity. */
    final Map<Path, List<String>> segmentRefs = new IdentityHashMap<>();
    /** `segments` paths of the condition being compiled, with where they were written. */
    private final Map<Path, Loc> pending = new LinkedHashMap<>();
    /** `segments` paths whose test could not become a membership test. */
    private final Set<Path> wholeList = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    RuleScope(Set<String> traits, Set<String> segments, Map<String, ValueSet> lists) {
        this.traits = traits;
        this.segments = segments;
        this.lists = lists;
    }

    @Override
    public void checkPath(Path path, Loc loc, Problems problems) {
        checkRoot(path, loc, problems, false);
    }

    /** Checks a path of a condition or a content placeholder; returns false if reported. */
    boolean checkRoot(Path path, Loc loc, Problems problems, boolean placeholder) {
        String root = path.part(0);
        switch (root) {
            case "attributes", "page", "visit" -> {
                return true;
            }
            case "traits" -> {
                if (path.length() < 2) {
                    problems.error(loc, "name a trait: traits.NAME");
                    return false;
                }
                if (!traits.contains(path.part(1))) {
                    problems.error(loc, "unknown trait \"" + path.part(1) + "\"" + Suggestions.didYouMean(path.part(1), traits));
                    return false;
                }
                return true;
            }
            case "segments" -> {
                if (path.length() > 1) {
                    problems.error(loc, "\"segments\" is the list of segment ids the visitor is in; test it as a whole, e.g. "
                            + "segments: { $elemMatch: { $eq: vip } } or segments: { $in: [vip, gold] }");
                    return false;
                }
                if (!placeholder) {
                    segmentRefs.put(path, new ArrayList<>());
                    pending.put(path, loc);
                }
                return true;
            }
            case "now" -> {
                if (path.length() > 1 && !NOW_FIELDS.contains(path.part(1)) || path.length() > 2) {
                    problems.error(loc, "unknown field \"" + path.text() + "\": now has " + String.join(", ", NOW_FIELDS)
                            + (path.length() > 1 ? Suggestions.didYouMean(path.part(1), NOW_FIELDS) : ""));
                    return false;
                }
                return true;
            }
            default -> {
                problems.error(loc, "unknown field \"" + path.text() + "\": conditions see "
                        + String.join(", ", ROOTS) + Suggestions.didYouMean(root, ROOTS));
                return false;
            }
        }
    }

    @Override
    public void literal(Path path, Object literal, Loc loc, Problems problems) {
        List<String> refs = segmentRefs.get(path);
        if (refs == null) {
            return;
        }
        if (!(literal instanceof String id)) {
            problems.error(loc, "segments holds segment ids; expected a segment id, found " + literal);
            return;
        }
        if (!segments.contains(id)) {
            problems.error(loc, "unknown segment \"" + id + "\"" + Suggestions.didYouMean(id, segments));
            return;
        }
        if (!refs.contains(id)) {
            refs.add(id);
        }
    }

    @Override
    public ValueCondition rewrite(Path path, Node test, ValueCondition compiled) {
        if (!segmentRefs.containsKey(path)) {
            return compiled;
        }
        ValueCondition m = membership(test);
        if (m == null) {
            wholeList.add(path);
            return compiled;
        }
        return m;
    }

    /** The membership form of a test that names segments, or null when it has another shape. */
    static ValueCondition membership(Node test) {
        if (!(test instanceof Node.MapNode ops) || ops.entries().isEmpty()) {
            return null;
        }
        List<ValueCondition> parts = new ArrayList<>();
        for (Node.Entry op : ops.entries().values()) {
            ValueCondition part = switch (op.key()) {
                case "$in" -> member(op.value(), ValueCondition.Member.Mode.ANY, true);
                case "$nin" -> member(op.value(), ValueCondition.Member.Mode.NONE, true);
                case "$all" -> member(op.value(), ValueCondition.Member.Mode.ALL, false);
                case "$elemMatch" -> {
                    if (op.value() instanceof Node.MapNode inner && inner.entries().size() == 1) {
                        Node.Entry e = inner.entries().values().iterator().next();
                        if (e.key().equals("$eq")) {
                            yield member(new Node.ListNode(e.value().loc(), List.of(e.value())),
                                    ValueCondition.Member.Mode.ANY, false);
                        }
                        if (e.key().equals("$in")) {
                            yield member(e.value(), ValueCondition.Member.Mode.ANY, false);
                        }
                    }
                    yield null;
                }
                default -> null;
            };
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return parts.size() == 1 ? parts.get(0) : new ValueCondition.AllOf(parts.toArray(ValueCondition[]::new));
    }

    private static ValueCondition member(Node list, ValueCondition.Member.Mode mode, boolean scalars) {
        if (!(list instanceof Node.ListNode items)) {
            return null;
        }
        String[] ids = new String[items.items().size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(items.items().get(i) instanceof Node.Scalar s) || !(s.value() instanceof String id)) {
                return null;
            }
            ids[i] = id;
        }
        return new ValueCondition.Member(ids, mode, scalars);
    }

    @Override
    public ValueSet list(String name) {
        return lists.get(name);
    }

    @Override
    public Set<String> listNames() {
        return lists.keySet();
    }

    /**
     * The segments named by the condition compiled since the last call. A {@code segments} test that
     * names none (such as {@code $size}) is reported when {@code strictDependencies}: a segment may
     * only depend on segments it names.
     */
    List<String> takeReferences(Problems problems, boolean strictDependencies) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Path, Loc> e : pending.entrySet()) {
            List<String> refs = segmentRefs.get(e.getKey());
            if ((refs.isEmpty() || wholeList.contains(e.getKey())) && strictDependencies) {
                problems.error(e.getValue(), "a segment can test \"segments\" only by naming segments: "
                        + "{ $elemMatch: { $eq: id } }, { $in: [ids] }, { $nin: [ids] } or { $all: [ids] }");
            }
            for (String r : refs) {
                if (!out.contains(r)) {
                    out.add(r);
                }
            }
        }
        pending.clear();
        wholeList.clear();
        return out;
    }
}
