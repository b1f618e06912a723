package io.tsunagu.bench;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.ValueSet;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One compiled condition tested against a decision-like document, per operator kind.
 *
 * <p>The document is plain nested maps and lists, as a parsed JSON request would be. Every condition
 * holds for it (checked in setup), so each run walks the whole condition rather than stopping at
 * the first clause. {@code Condition} promises not to allocate while testing strings, numbers and
 * booleans: run with {@code -prof gc} and expect {@code gc.alloc.rate.norm} ≈ 0 B/op for every kind.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ConditionBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConditionBenchmark {

    /** Ids in the named list that {@code inGroup} tests against. */
    static final int LIST_SIZE = 10_000;

    @Param({"eq", "in", "gte", "and3", "elemMatch", "regex", "inGroup", "or"})
    public String kind;

    private Condition condition;
    private Map<String, Object> document;

    @Setup
    public void setup() {
        String yaml = switch (kind) {
            case "eq" -> "attributes.member_rank: gold";
            case "in" -> "attributes.member_rank: { $in: [gold, platinum] }";
            case "gte" -> "traits.purchase_count: { $gte: 5 }";
            case "and3" -> """
                    attributes.member_rank: gold
                    traits.purchase_count: { $gte: 5 }
                    page.type: product
                    """;
            case "elemMatch" -> "segments: { $elemMatch: { $eq: vip } }";
            case "regex" -> "page.url: { $regex: \"^/p/\" }";
            case "inGroup" -> "attributes.member_id: { $inGroup: members_10k }";
            case "or" -> """
                    $or:
                      - attributes.region: osaka
                      - traits.last_store: shibuya
                    """;
            default -> throw new IllegalArgumentException("unknown condition kind " + kind);
        };
        Problems problems = new Problems();
        Node node = SourceReader.readYaml("bench", yaml, problems);
        if (node == null || problems.hasErrors()) {
            throw new IllegalStateException("cannot read condition " + kind + ": " + problems.errors());
        }
        condition = ConditionCompiler.lenient(Map.of("members_10k", ValueSet.of(memberIds()))).compile(node);
        document = document();
        if (!condition.test(document)) {
            throw new IllegalStateException("condition " + kind + " does not hold for the document; "
                    + "the benchmark would measure an early exit: " + condition.text());
        }
        setupHandwritten();
    }

    @Benchmark
    public boolean test() {
        return condition.test(document);
    }

    /**
     * The same test written by hand in plain Java over the same maps: the floor a compiled condition
     * is measured against (ratio = test / handwritten, in the same run).
     */
    @Benchmark
    public boolean handwritten() {
        return handwritten.test(document);
    }

    private Predicate<Map<String, Object>> handwritten;

    private void setupHandwritten() {
        Set<String> ranks = Set.of("gold", "platinum");
        Set<Object> members = new HashSet<>(memberIds());
        Matcher url = Pattern.compile("^/p/").matcher("");
        handwritten = switch (kind) {
            case "eq" -> d -> "gold".equals(map(d, "attributes").get("member_rank"));
            case "in" -> d -> ranks.contains(map(d, "attributes").get("member_rank"));
            case "gte" -> d -> map(d, "traits").get("purchase_count") instanceof Number n && n.doubleValue() >= 5;
            case "and3" -> d -> "gold".equals(map(d, "attributes").get("member_rank"))
                    && map(d, "traits").get("purchase_count") instanceof Number n && n.doubleValue() >= 5
                    && "product".equals(map(d, "page").get("type"));
            case "elemMatch" -> d -> ((List<?>) d.get("segments")).contains("vip");
            case "regex" -> d -> url.reset((String) map(d, "page").get("url")).find();
            case "inGroup" -> d -> members.contains(map(d, "attributes").get("member_id"));
            case "or" -> d -> "osaka".equals(map(d, "attributes").get("region"))
                    || "shibuya".equals(map(d, "traits").get("last_store"));
            default -> throw new IllegalArgumentException(kind);
        };
        if (!handwritten.test(document)) {
            throw new IllegalStateException("handwritten " + kind + " does not hold");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> d, String key) {
        return (Map<String, Object>) d.get(key);
    }

    /** M-000000 … M-009999. */
    static List<Object> memberIds() {
        List<Object> ids = new ArrayList<>(LIST_SIZE);
        for (int i = 0; i < LIST_SIZE; i++) {
            ids.add(String.format("M-%06d", i));
        }
        return ids;
    }

    /** What the decision server sees for one page view, as parsed JSON: mutable maps and lists. */
    static Map<String, Object> document() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("member_id", "M-004711");
        attributes.put("member_rank", "gold");
        attributes.put("region", "tokyo");
        attributes.put("age", 34);
        attributes.put("first_name", "Yui");

        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("purchase_count", 7L);
        traits.put("store_visits_30d", 2L);
        traits.put("spend_365d", 84_500.0);
        traits.put("last_store", "shibuya");
        traits.put("top_brands", new ArrayList<>(List.of("kumo", "hoshi")));

        Map<String, Object> page = new LinkedHashMap<>();
        page.put("type", "product");
        page.put("brand", "kumo");
        page.put("category", "coats");
        page.put("url", "/p/123");

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("attributes", attributes);
        doc.put("traits", traits);
        doc.put("segments", new ArrayList<>(List.of("members", "recent_store_visitor", "vip")));
        doc.put("page", page);
        doc.put("visit", new LinkedHashMap<>(Map.of("uid", "V-8f3a", "device", "mobile")));
        return doc;
    }
}
