package io.tsunagu.rules;

import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.condition.ValueSet;
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
            if (refs.isEmpty() && strictDependencies) {
                problems.error(e.getValue(), "a segment can test \"segments\" only by naming segments "
                        + "($elemMatch/$eq, $in, $nin, $all), so that it is evaluated after them");
            }
            for (String r : refs) {
                if (!out.contains(r)) {
                    out.add(r);
                }
            }
        }
        pending.clear();
        return out;
    }
}
