package io.tsunagu.rules.content;

import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Node.Entry e : map.entries().values()) {
            if (!e.key().equals("template")) {
                fields.put(e.key(), value(e.value()));
            }
        }
        return new Content(name, fields);
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
