package io.tsunagu.rules.content;

import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Durations;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Shapes;
import io.tsunagu.rules.source.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** Compiles a {@code content:} mapping, checking the template name and every placeholder. */
public final class ContentCompiler {

    private final Problems problems;
    private final BiConsumer<Path, Loc> checkPath;

    /** @param checkPath reports a placeholder path the decision document does not have */
    public ContentCompiler(Problems problems, BiConsumer<Path, Loc> checkPath) {
        this.problems = problems;
        this.checkPath = checkPath;
    }

    public Content compile(Node node) {
        if (!(node instanceof Node.MapNode map)) {
            problems.error(node.loc(), "content must be a mapping with a template, e.g. { template: banner, title: … }, found "
                    + node.describe());
            return null;
        }
        Node template = map.get("template");
        String name = template instanceof Node.Scalar s && s.value() instanceof String str ? str : null;
        if (template == null) {
            problems.error(map.loc(), "content needs a template: one of " + String.join(", ", Content.TEMPLATES));
            return null;
        }
        if (name == null || !Content.TEMPLATES.contains(name)) {
            problems.error(template.loc(), "unknown template " + template.show() + ": use one of "
                    + String.join(", ", Content.TEMPLATES) + (name == null ? "" : Suggestions.didYouMean(name, Content.TEMPLATES)));
            return null;
        }
        RecommendSpec recommend = name.equals("recommend") ? recommend(map) : null;
        String pool = name.equals("coupon") ? pool(map) : null;
        Set<String> trusted = trusted(map);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Node.Entry e : map.entries().values()) {
            String key = e.key();
            boolean option = key.equals("template") || key.equals("trusted") || (recommend != null && RecommendSpec.OPTIONS.contains(key))
                    || (name.equals("coupon") && key.equals("pool"));
            if (!option) {
                fields.put(key, value(e.value()));
            }
        }
        if (name.equals("recommend") && fields.containsKey("items")) {
            problems.error(map.entries().get("items").keyLoc(), "items is where a recommend content's products go; "
                    + "name this field otherwise");
        }
        return new Content(name, fields, trusted, recommend, pool);
    }

    /** {@code strategy} and its options; the option keys are not display fields. */
    private RecommendSpec recommend(Node.MapNode map) {
        Node strategyNode = map.get("strategy");
        String strategy = strategy(strategyNode, map, "strategy");
        Node fallbackNode = map.get("fallback");
        String fallback = fallbackNode == null ? null : strategy(fallbackNode, map, "fallback");
        if (fallback != null && fallback.equals(strategy)) {
            problems.error(fallbackNode.loc(), "fallback is the strategy itself; name another one or leave it out");
        }
        int limit = map.has("limit") ? (int) Shapes.integer(map.get("limit"), 1, RecommendSpec.MAX_LIMIT, "limit", 8, problems) : 8;
        int minResults = map.has("min_results")
                ? (int) Shapes.integer(map.get("min_results"), 1, RecommendSpec.MAX_LIMIT, "min_results", 1, problems) : 1;
        Node lookbackNode = map.get("lookback");
        long lookback = lookbackNode == null ? RecommendSpec.DEFAULT_LOOKBACK_MS : Durations.parse(lookbackNode, "lookback", problems);
        boolean exclude = map.has("exclude_purchased")
                ? Shapes.bool(map.get("exclude_purchased"), "exclude_purchased", true, problems)
                : !"repeat_purchase".equals(strategy);
        Node dueNode = map.get("due_after");
        double dueAfter = dueNode == null ? 1.0 : Shapes.nonNegative(dueNode, "due_after", problems);
        return new RecommendSpec(strategy == null ? "popular_in_category" : strategy, limit, lookback, exclude, fallback,
                minResults, dueAfter);
    }

    private String strategy(Node node, Node.MapNode map, String what) {
        if (node == null) {
            problems.error(map.loc(), "a recommend content needs a strategy: one of " + String.join(", ", RecommendSpec.STRATEGIES));
            return null;
        }
        String name = node instanceof Node.Scalar s && s.value() instanceof String str ? str : null;
        if (name == null || !RecommendSpec.STRATEGIES.contains(name)) {
            problems.error(node.loc(), "unknown " + what + " " + node.show() + ": use one of "
                    + String.join(", ", RecommendSpec.STRATEGIES)
                    + (name == null ? "" : Suggestions.didYouMean(name, RecommendSpec.STRATEGIES)));
            return null;
        }
        return name;
    }

    /** A coupon's pool of unique codes; a coupon has a static code or a pool, not both. */
    private String pool(Node.MapNode map) {
        Node node = map.get("pool");
        if (node == null) {
            return null;
        }
        String pool = Shapes.id(node, Shapes.NAME, "pool", problems);
        if (map.has("code")) {
            problems.error(map.entries().get("code").keyLoc(), "a coupon has either a static code or a pool of unique "
                    + "codes, not both");
        }
        return pool;
    }

    /** The fields whose literal text is HTML the author wrote ({@code trusted: [message]}). */
    private Set<String> trusted(Node.MapNode map) {
        Node node = map.get("trusted");
        Set<String> out = new LinkedHashSet<>();
        if (node == null) {
            return out;
        }
        List<Node> items = node instanceof Node.ListNode l ? l.items() : List.of(node);
        for (Node n : items) {
            String field = n instanceof Node.Scalar s && s.value() instanceof String str ? str : null;
            if (field == null || !map.has(field) || field.equals("template") || field.equals("trusted")) {
                problems.error(n.loc(), "trusted lists fields of this content whose text is HTML, e.g. trusted: [message]; "
                        + n.show() + " is not one" + (field == null ? "" : Suggestions.didYouMean(field, map.entries().keySet())));
            } else {
                out.add(field);
            }
        }
        return out;
    }

    private Object value(Node node) {
        if (node instanceof Node.Scalar s) {
            return s.value() instanceof String str ? text(str, s.loc()) : s.value();
        }
        if (node instanceof Node.ListNode l) {
            List<Object> out = new ArrayList<>();
            for (Node n : l.items()) {
                out.add(value(n));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Node.Entry e : ((Node.MapNode) node).entries().values()) {
            out.put(e.key(), value(e.value()));
        }
        return out;
    }

    /** Splits "a {{path | fallback}} b" into parts, reporting unclosed or empty placeholders. */
    Text text(String source, Loc loc) {
        List<Text.Part> parts = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            int open = source.indexOf("{{", i);
            if (open < 0) {
                parts.add(new Text.Part(source.substring(i), null, null));
                break;
            }
            if (open > i) {
                parts.add(new Text.Part(source.substring(i, open), null, null));
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                problems.error(loc, "unclosed placeholder in \"" + source + "\": every {{ needs a }}");
                return new Text(source, List.of(new Text.Part(source, null, null)));
            }
            String inside = source.substring(open + 2, close);
            int bar = inside.indexOf('|');
            String path = (bar < 0 ? inside : inside.substring(0, bar)).trim();
            String fallback = bar < 0 ? "" : unquote(inside.substring(bar + 1).trim());
            if (path.isEmpty() || !path.matches("[A-Za-z0-9_.$-]+")) {
                problems.error(loc, "bad placeholder \"{{" + inside + "}}\": write {{attributes.name}} or "
                        + "{{traits.name | \"fallback\"}}");
            } else {
                Path p = Path.of(path);
                checkPath.accept(p, loc);
                parts.add(new Text.Part(null, p, fallback));
            }
            i = close + 2;
        }
        return new Text(source, parts);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
