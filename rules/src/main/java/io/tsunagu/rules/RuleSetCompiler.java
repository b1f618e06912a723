package io.tsunagu.rules;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.condition.ValueSet;
import io.tsunagu.rules.content.ContentCompiler;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Shapes;
import io.tsunagu.rules.source.SourceReader;
import io.tsunagu.rules.source.Suggestions;
import io.tsunagu.rules.source.Times;
import io.tsunagu.rules.trait.Trait;
import io.tsunagu.rules.trait.TraitCompiler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Turns parsed rule files into a {@link RuleSet}, collecting every problem of every file before
 * failing. Order: settings (zone, profile policy), lists, traits, segments (in dependency order,
 * cycles rejected), campaigns.
 */
final class RuleSetCompiler {

    private static final List<String> SECTIONS = List.of("settings", "lists", "traits", "segments", "campaigns");

    private final Problems problems = new Problems();
    private final Map<String, Loc> declared = new HashMap<>();

    private record Part(Node.Entry entry, SourceFile file) {
    }

    RuleSet compile(List<SourceFile> files, ListFiles listFiles) throws RuleLoadException {
        Map<String, List<Part>> sections = new LinkedHashMap<>();
        for (String s : SECTIONS) {
            sections.put(s, new ArrayList<>());
        }
        for (SourceFile f : files) {
            Node root = SourceReader.readYaml(f.name(), f.text(), problems);
            if (root == null) {
                continue;
            }
            Node.MapNode map = Shapes.map(root, "a rule file", problems);
            if (map == null) {
                continue;
            }
            for (Node.Entry e : map.entries().values()) {
                if (!SECTIONS.contains(e.key())) {
                    problems.error(e.keyLoc(), "unknown section \"" + e.key() + "\"; a rule file has "
                            + String.join(", ", SECTIONS) + Suggestions.didYouMean(e.key(), SECTIONS));
                } else if (!(e.value() instanceof Node.Scalar s && s.value() == null)) {
                    sections.get(e.key()).add(new Part(e, f));
                }
            }
        }
        Settings settings = settings(sections.get("settings"));
        Map<String, ValueSet> lists = lists(sections.get("lists"), listFiles);
        List<Trait> traits = traits(sections.get("traits"), settings.policy(), lists);
        RuleScope scope = new RuleScope(declaredKeys(sections.get("traits")), declaredKeys(sections.get("segments")), lists);
        ConditionCompiler conditions = ConditionCompiler.strict(problems, scope);
        List<Segment> segments = segments(sections.get("segments"), conditions, scope);
        BiConsumer<Path, Loc> documentPath = (path, loc) -> scope.checkRoot(path, loc, problems, true);
        ContentCompiler contents = new ContentCompiler(problems, documentPath);
        List<Campaign> campaigns = campaigns(sections.get("campaigns"),
                new CampaignCompiler(problems, conditions, contents, settings.zone(), documentPath), scope);
        if (problems.hasErrors()) {
            throw new RuleLoadException(problems.errors(), problems.warnings());
        }
        Map<Condition.Field, List<String>> refs = new IdentityHashMap<>();
        for (Campaign c : campaigns) {
            collectRefs(c.when(), scope.segmentRefs, refs);
        }
        for (Segment s : segments) {
            collectRefs(s.when(), scope.segmentRefs, refs);
        }
        return new RuleSet(settings.zone(), settings.policy(), traits, segments, campaigns, lists, refs,
                problems.warnings(), fingerprint(files, listFiles), files.size());
    }

    // ---- settings ------------------------------------------------------------------------------

    record Settings(ZoneId zone, ProfilePolicy policy) {
    }

    private Settings settings(List<Part> parts) {
        ZoneId zone = ZoneId.of("UTC");
        ProfilePolicy policy = ProfilePolicy.DEFAULT;
        if (parts.isEmpty()) {
            return new Settings(zone, policy);
        }
        for (int i = 1; i < parts.size(); i++) {
            problems.error(parts.get(i).entry().keyLoc(), "settings already given at " + parts.get(0).entry().keyLoc()
                    + "; keep them in one file");
        }
        Node.MapNode m = Shapes.map(parts.get(0).entry().value(), "settings", problems);
        if (m == null) {
            return new Settings(zone, policy);
        }
        Shapes.onlyKeys(m, List.of("timezone", "profile"), "settings", problems);
        if (m.has("timezone")) {
            ZoneId z = Times.zone(m.get("timezone"), problems);
            zone = z == null ? zone : z;
        }
        if (m.has("profile")) {
            policy = policy(m.get("profile"), policy);
        }
        return new Settings(zone, policy);
    }

    private ProfilePolicy policy(Node node, ProfilePolicy d) {
        Node.MapNode m = Shapes.map(node, "profile", problems);
        if (m == null) {
            return d;
        }
        Shapes.onlyKeys(m, List.of("events_per_type", "aggregate_days", "dimensions", "measures"), "profile settings",
                problems);
        int events = m.has("events_per_type")
                ? (int) Shapes.integer(m.get("events_per_type"), 1, 100_000, "events_per_type", d.maxEventsPerType(), problems)
                : d.maxEventsPerType();
        int days = m.has("aggregate_days")
                ? (int) Shapes.integer(m.get("aggregate_days"), 1, 36_500, "aggregate_days", d.aggregateDays(), problems)
                : d.aggregateDays();
        List<String> dims = m.has("dimensions") ? names(m.get("dimensions"), "dimensions") : d.dimensions();
        List<String> measures = m.has("measures") ? names(m.get("measures"), "measures") : d.measures();
        return new ProfilePolicy(events, days, dims, measures);
    }

    private List<String> names(Node node, String what) {
        List<String> out = new ArrayList<>();
        if (!(node instanceof Node.ListNode list)) {
            problems.error(node.loc(), what + " must be a list of event property names, found " + node.describe());
            return out;
        }
        for (Node item : list.items()) {
            String s = Shapes.id(item, Shapes.NAME, "property name", problems);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    // ---- lists ---------------------------------------------------------------------------------

    /** Reads the ids of a list kept in its own file (one id per line). */
    interface ListFiles {
        /** The file's lines, or null (reported) when it cannot be read. */
        List<String> read(SourceFile from, String name, Loc loc, Problems problems);

        /** What the fingerprint should cover of the files read. */
        default String contents() {
            return "";
        }
    }

    private Map<String, ValueSet> lists(List<Part> parts, ListFiles listFiles) {
        Map<String, ValueSet> out = new LinkedHashMap<>();
        for (Part part : parts) {
            Node.MapNode m = Shapes.map(part.entry().value(), "lists", problems);
            if (m == null) {
                continue;
            }
            for (Node.Entry e : m.entries().values()) {
                if (!declare("list", e, Shapes.NAME)) {
                    continue;
                }
                if (e.value() instanceof Node.ListNode items) {
                    List<Object> values = new ArrayList<>();
                    for (Node item : items.items()) {
                        if (item instanceof Node.Scalar s && s.value() != null) {
                            values.add(s.value());
                        } else {
                            problems.error(item.loc(), "list \"" + e.key() + "\" holds ids; found " + item.describe());
                        }
                    }
                    out.put(e.key(), ValueSet.of(values));
                } else if (e.value() instanceof Node.MapNode fm && fm.has("file")) {
                    Shapes.onlyKeys(fm, List.of("file"), "list \"" + e.key() + "\"", problems);
                    String name = Shapes.string(fm.get("file"), "file", problems);
                    List<String> lines = name == null ? null : listFiles.read(part.file(), name, fm.get("file").loc(), problems);
                    if (lines != null) {
                        List<Object> ids = new ArrayList<>();
                        for (String line : lines) {
                            String id = line.strip();
                            if (!id.isEmpty() && !id.startsWith("#")) {
                                ids.add(id);
                            }
                        }
                        out.put(e.key(), ValueSet.of(ids));
                    }
                } else {
                    problems.error(e.value().loc(), "list \"" + e.key() + "\" must be a list of ids or { file: ids.txt }, found "
                            + e.value().describe());
                }
            }
        }
        return out;
    }

    // ---- traits --------------------------------------------------------------------------------

    private List<Trait> traits(List<Part> parts, ProfilePolicy policy, Map<String, ValueSet> lists) {
        ConditionCompiler where = ConditionCompiler.strict(problems, ConditionCompiler.Scope.ofLists(lists));
        TraitCompiler compiler = new TraitCompiler(problems, where, policy);
        List<Trait> out = new ArrayList<>();
        for (Part part : parts) {
            Node.MapNode m = Shapes.map(part.entry().value(), "traits", problems);
            if (m == null) {
                continue;
            }
            for (Node.Entry e : m.entries().values()) {
                if (declare("trait", e, Shapes.NAME)) {
                    Trait t = compiler.compile(e.key(), e.value(), e.keyLoc());
                    if (t != null) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    // ---- segments ------------------------------------------------------------------------------

    /** Every name declared in a section, compiled or not, so that a broken definition is reported once. */
    private static Set<String> declaredKeys(List<Part> parts) {
        Set<String> ids = new LinkedHashSet<>();
        for (Part part : parts) {
            if (part.entry().value() instanceof Node.MapNode m) {
                ids.addAll(m.entries().keySet());
            }
        }
        return ids;
    }

    private List<Segment> segments(List<Part> parts, ConditionCompiler conditions, RuleScope scope) {
        Map<String, Segment> byId = new LinkedHashMap<>();
        for (Part part : parts) {
            Node.MapNode m = Shapes.map(part.entry().value(), "segments", problems);
            if (m == null) {
                continue;
            }
            for (Node.Entry e : m.entries().values()) {
                if (!declare("segment", e, Shapes.NAME)) {
                    continue;
                }
                Node.MapNode def = Shapes.map(e.value(), "segment \"" + e.key() + "\"", problems);
                if (def == null) {
                    continue;
                }
                Shapes.onlyKeys(def, List.of("description", "when"), "segment \"" + e.key() + "\"", problems);
                if (!def.has("when")) {
                    problems.error(def.loc(), "segment \"" + e.key() + "\" needs a when: condition");
                    continue;
                }
                String description = def.has("description")
                        ? Shapes.string(def.get("description"), "description", problems) : null;
                Condition when = conditions.compile(def.get("when"));
                List<String> deps = scope.takeReferences(problems, true);
                if (deps.contains(e.key())) {
                    problems.error(e.keyLoc(), "segment \"" + e.key() + "\" refers to itself");
                }
                byId.put(e.key(), new Segment(e.key(), description, when, deps, e.keyLoc()));
            }
        }
        return dependencyOrder(byId);
    }

    /** Segments after the ones they depend on (declaration order otherwise); a cycle is an error. */
    private List<Segment> dependencyOrder(Map<String, Segment> byId) {
        List<Segment> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Set<String> visiting = new LinkedHashSet<>();
        Set<String> reported = new LinkedHashSet<>();
        for (Segment s : byId.values()) {
            visit(s, byId, done, visiting, out, reported);
        }
        return out;
    }

    private void visit(Segment s, Map<String, Segment> byId, Set<String> done, Set<String> visiting, List<Segment> out,
            Set<String> reported) {
        if (done.contains(s.id())) {
            return;
        }
        if (visiting.contains(s.id())) {
            List<String> path = new ArrayList<>(visiting);
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(s.id()), path.size()));
            cycle.add(s.id());
            if (reported.add(String.join(",", cycle.subList(0, cycle.size() - 1).stream().sorted().toList()))) {
                problems.error(byId.get(cycle.get(0)).loc(), "segments depend on each other in a cycle: "
                        + String.join(" → ", cycle));
            }
            return;
        }
        visiting.add(s.id());
        for (String dep : s.dependsOn()) {
            Segment d = byId.get(dep);
            if (d != null && !dep.equals(s.id())) {
                visit(d, byId, done, visiting, out, reported);
            }
        }
        visiting.remove(s.id());
        if (done.add(s.id())) {
            out.add(s);
        }
    }

    // ---- campaigns -----------------------------------------------------------------------------

    private List<Campaign> campaigns(List<Part> parts, CampaignCompiler compiler, RuleScope scope) {
        List<Campaign> out = new ArrayList<>();
        for (Part part : parts) {
            if (!(part.entry().value() instanceof Node.ListNode list)) {
                problems.error(part.entry().value().loc(), "campaigns must be a list (each item starting with \"- id:\"), found "
                        + part.entry().value().describe());
                continue;
            }
            for (Node item : list.items()) {
                Node.MapNode def = Shapes.map(item, "a campaign", problems);
                if (def == null) {
                    continue;
                }
                Node idNode = def.get("id");
                if (idNode == null) {
                    problems.error(def.loc(), "a campaign needs an id");
                    continue;
                }
                String id = Shapes.id(idNode, CampaignCompiler.ID, "campaign id", problems);
                if (id == null || !declareAt("campaign", id, idNode.loc())) {
                    continue;
                }
                Campaign c = compiler.compile(def, id);
                scope.takeReferences(problems, false);
                if (c != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private boolean declare(String kind, Node.Entry e, java.util.regex.Pattern pattern) {
        if (!pattern.matcher(e.key()).matches()) {
            problems.error(e.keyLoc(), "bad " + kind + " name \"" + e.key() + "\": use letters, digits, _ and -, "
                    + "starting with a letter or _");
            return false;
        }
        return declareAt(kind, e.key(), e.keyLoc());
    }

    private boolean declareAt(String kind, String id, Loc loc) {
        Loc first = declared.putIfAbsent(kind + ":" + id, loc);
        if (first != null) {
            problems.error(loc, "duplicate " + kind + " id \"" + id + "\" (first defined at " + first + ")");
            return false;
        }
        return true;
    }

    private static void collectRefs(Condition c, Map<Path, List<String>> byPath, Map<Condition.Field, List<String>> out) {
        if (c instanceof Condition.Field f) {
            List<String> refs = byPath.get(f.path());
            if (refs != null && !refs.isEmpty()) {
                out.put(f, List.copyOf(refs));
            }
        } else if (c instanceof Condition.And a) {
            for (Condition p : a.parts()) {
                collectRefs(p, byPath, out);
            }
        } else if (c instanceof Condition.Or o) {
            for (Condition p : o.parts()) {
                collectRefs(p, byPath, out);
            }
        } else if (c instanceof Condition.Nor n) {
            for (Condition p : n.parts()) {
                collectRefs(p, byPath, out);
            }
        } else if (c instanceof Condition.Not n) {
            collectRefs(n.inner(), byPath, out);
        }
    }

    private static String fingerprint(List<SourceFile> files, ListFiles listFiles) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (SourceFile f : files) {
                md.update(f.name().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(f.text().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            md.update(listFiles.contents().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
