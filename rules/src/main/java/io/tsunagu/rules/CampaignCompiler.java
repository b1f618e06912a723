package io.tsunagu.rules;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.content.Content;
import io.tsunagu.rules.content.ContentCompiler;
import io.tsunagu.rules.source.Durations;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Shapes;
import io.tsunagu.rules.source.Times;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/** Compiles one entry of {@code campaigns:}. */
final class CampaignCompiler {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Pattern SLOT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> KEYS = List.of("id", "description", "slot", "priority", "enabled", "schedule",
            "cap", "when", "seed", "bucket_by", "variants", "content");

    private final Problems problems;
    private final ConditionCompiler conditions;
    private final ContentCompiler contents;
    private final ZoneId zone;
    private final BiConsumer<Path, Loc> checkPath;

    /** @param checkPath reports a document path that does not exist (for bucket_by) */
    CampaignCompiler(Problems problems, ConditionCompiler conditions, ContentCompiler contents, ZoneId zone,
            BiConsumer<Path, Loc> checkPath) {
        this.problems = problems;
        this.conditions = conditions;
        this.contents = contents;
        this.zone = zone;
        this.checkPath = checkPath;
    }

    /** The campaign, or null when it has errors (all reported). */
    Campaign compile(Node.MapNode def, String id) {
        int before = problems.errorCount();
        Shapes.onlyKeys(def, KEYS, "campaign \"" + id + "\"", problems);
        String description = def.has("description") ? Shapes.string(def.get("description"), "description", problems) : null;
        String slot = null;
        if (def.get("slot") == null) {
            problems.error(def.loc(), "campaign \"" + id + "\" needs a slot (the page area it fills, e.g. hero)");
        } else {
            slot = Shapes.id(def.get("slot"), SLOT, "slot", problems);
        }
        int priority = def.has("priority")
                ? (int) Shapes.integer(def.get("priority"), -1_000_000, 1_000_000, "priority", 0, problems) : 0;
        boolean enabled = !def.has("enabled") || Shapes.bool(def.get("enabled"), "enabled", true, problems);
        long[] schedule = schedule(def.get("schedule"));
        FrequencyCap cap = def.has("cap") ? cap(def.get("cap")) : null;
        Condition when = def.has("when") ? conditions.compile(def.get("when")) : Condition.ALWAYS;
        String seed = def.has("seed") ? Shapes.string(def.get("seed"), "seed", problems) : id;
        Path bucketBy = null;
        if (def.has("bucket_by")) {
            String path = Shapes.string(def.get("bucket_by"), "bucket_by", problems);
            if (path != null) {
                bucketBy = Path.of(path);
                checkPath.accept(bucketBy, def.get("bucket_by").loc());
            }
        }
        List<Variant> variants = variants(def, id);
        if (problems.errorCount() > before) {
            return null;
        }
        return new Campaign(id, description, slot, priority, enabled, schedule[0], schedule[1], cap, when, seed, bucketBy,
                variants, def.loc());
    }

    private long[] schedule(Node node) {
        long[] out = {Long.MIN_VALUE, Long.MAX_VALUE};
        if (node == null) {
            return out;
        }
        Node.MapNode m = Shapes.map(node, "schedule", problems);
        if (m == null) {
            return out;
        }
        Shapes.onlyKeys(m, List.of("from", "to", "timezone"), "schedule", problems);
        ZoneId z = m.has("timezone") ? Times.zone(m.get("timezone"), problems) : zone;
        if (z == null) {
            return out;
        }
        if (m.has("from")) {
            out[0] = Times.parse(m.get("from"), z, false, "from", problems);
        }
        if (m.has("to")) {
            out[1] = Times.parse(m.get("to"), z, true, "to", problems);
        }
        if (out[0] != Long.MIN_VALUE && out[1] != Long.MIN_VALUE && out[1] != Long.MAX_VALUE && out[1] <= out[0]) {
            problems.error(m.get("to").loc(), "schedule ends (" + Times.iso(out[1]) + ") before it starts ("
                    + Times.iso(out[0]) + ")");
        }
        return out;
    }

    private FrequencyCap cap(Node node) {
        Node.MapNode m = Shapes.map(node, "cap", problems);
        if (m == null) {
            return null;
        }
        Shapes.onlyKeys(m, List.of("impressions", "per"), "cap", problems);
        if (!m.has("impressions")) {
            problems.error(m.loc(), "cap needs impressions, e.g. { impressions: 3, per: 1d }");
            return null;
        }
        int n = (int) Shapes.integer(m.get("impressions"), 1, 1_000_000, "impressions", 1, problems);
        long per = -1;
        Node perNode = m.get("per");
        if (perNode != null && !(perNode instanceof Node.Scalar s && "lifetime".equals(s.value()))) {
            per = Durations.parse(perNode, "per (or lifetime)", problems);
        }
        return new FrequencyCap(n, per);
    }

    private List<Variant> variants(Node.MapNode def, String id) {
        Node list = def.get("variants");
        Node content = def.get("content");
        List<Variant> out = new ArrayList<>();
        if (list != null && content != null) {
            problems.error(def.entries().get("content").keyLoc(), "campaign \"" + id
                    + "\" has both content and variants; put the content inside each variant");
            return out;
        }
        if (list == null && content == null) {
            problems.error(def.loc(), "campaign \"" + id + "\" needs content (or variants, each with content)");
            return out;
        }
        if (content != null) {
            Content c = contents.compile(content);
            out.add(new Variant("default", 1, c));
            return out;
        }
        if (!(list instanceof Node.ListNode items)) {
            problems.error(list.loc(), "variants must be a list of { id, weight, content }, found " + list.describe());
            return out;
        }
        if (items.items().isEmpty()) {
            problems.error(list.loc(), "variants is an empty list; give at least one { id, weight, content }");
            return out;
        }
        Set<String> ids = new HashSet<>();
        double total = 0;
        for (Node item : items.items()) {
            Node.MapNode v = Shapes.map(item, "a variant", problems);
            if (v == null) {
                continue;
            }
            Shapes.onlyKeys(v, List.of("id", "weight", "content"), "a variant", problems);
            if (!v.has("id")) {
                problems.error(v.loc(), "a variant needs an id");
                continue;
            }
            String vid = Shapes.id(v.get("id"), ID, "variant id", problems);
            if (vid != null && !ids.add(vid)) {
                problems.error(v.get("id").loc(), "duplicate variant id \"" + vid + "\" in campaign \"" + id + "\"");
            }
            double weight = v.has("weight") ? Shapes.nonNegative(v.get("weight"), "weight", problems) : 1;
            total += Double.isNaN(weight) ? 0 : weight;
            Content c = v.has("content") ? contents.compile(v.get("content")) : null;
            out.add(new Variant(vid, weight, c));
        }
        if (Double.isInfinite(total)) {
            // Each share is weight / total: an infinite total would send every visitor to the last variant.
            problems.error(list.loc(), "the variants' weights add up to more than a number can hold; use shares "
                    + "such as 90 and 10");
        } else if (total <= 0 && !out.isEmpty()) {
            problems.error(list.loc(), "the variants' weights add up to 0; give at least one a weight above 0");
        }
        return out;
    }
}
