package io.tsunagu.rules.condition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles GrowthBook-style conditions into {@link Condition} trees.
 *
 * <p>Two modes. <b>Strict</b> (rule files): anything that cannot be compiled — an unknown operator,
 * an invalid regex, a wrongly typed operand, an unknown field, trait, segment or list — is reported
 * to {@link Problems} with its location, and the rule set does not load. <b>Lenient</b> (the
 * GrowthBook conformance suite and {@code rules eval}): such a part evaluates to false, as GrowthBook
 * evaluates it.
 */
public final class ConditionCompiler {

    /** What a condition may refer to. Rule sets supply one; the lenient default accepts any path. */
    public interface Scope {

        /** Reports a top-level path that the document does not have. */
        default void checkPath(Path path, Loc loc, Problems problems) {
        }

        /** Sees each literal compared for equality or membership with the value at a top-level path. */
        default void literal(Path path, Object literal, Loc loc, Problems problems) {
        }

        /**
         * May replace the compiled test of a top-level path by an equivalent, cheaper one (the
         * rule set turns tests that name segments into {@link ValueCondition.Member}).
         */
        default ValueCondition rewrite(Path path, Node test, ValueCondition compiled) {
            return compiled;
        }

        /** The named id list for {@code $inGroup}, or null when there is none. */
        ValueSet list(String name);

        /** The names of all lists, for suggestions. */
        default Set<String> listNames() {
            return Set.of();
        }

        /** A scope that knows only named lists; any path goes. */
        static Scope ofLists(Map<String, ValueSet> lists) {
            return new Scope() {
                @Override
                public ValueSet list(String name) {
                    return lists.get(name);
                }

                @Override
                public Set<String> listNames() {
                    return lists.keySet();
                }
            };
        }
    }

    private static final Set<String> OPERATORS = Set.of(
            "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$ini", "$nini", "$all", "$alli",
            "$elemMatch", "$size", "$exists", "$type", "$regex", "$regexi", "$not", "$veq", "$vne", "$vgt",
            "$vgte", "$vlt", "$vlte", "$inGroup", "$notInGroup");
    private static final Set<String> LOGICAL = Set.of("$and", "$or", "$nor", "$not");
    private static final Set<String> TYPES = Set.of("string", "number", "boolean", "object", "array", "null",
            "undefined");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Problems problems;
    private final Scope scope;

    private ConditionCompiler(Problems problems, Scope scope) {
        this.problems = problems;
        this.scope = scope;
    }

    /** A compiler that reports every problem; used for rule files. */
    public static ConditionCompiler strict(Problems problems, Scope scope) {
        return new ConditionCompiler(problems, scope);
    }

    /** A compiler with GrowthBook's forgiving semantics, given the saved groups (named lists). */
    public static ConditionCompiler lenient(Map<String, ValueSet> lists) {
        return new ConditionCompiler(null, Scope.ofLists(lists));
    }

    /** Compiles a top-level condition. */
    public Condition compile(Node node) {
        return document(node, true);
    }

    private boolean strict() {
        return problems != null;
    }

    private void error(Loc loc, String message) {
        if (problems != null) {
            problems.error(loc, message);
        }
    }

    private Condition document(Node node, boolean topLevel) {
        if (!(node instanceof Node.MapNode map)) {
            error(node.loc(), "a condition must be a mapping of fields to tests, found " + node.describe());
            return new Condition.Constant(false, node.loc(), render(node));
        }
        List<Condition> parts = new ArrayList<>(map.entries().size());
        for (Node.Entry e : map.entries().values()) {
            parts.add(entry(e, topLevel));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new Condition.And(parts.toArray(Condition[]::new), map.loc(), render(node));
    }

    private Condition entry(Node.Entry e, boolean topLevel) {
        String key = e.key();
        String text = key + ": " + render(e.value());
        switch (key) {
            case "$and", "$or", "$nor" -> {
                Condition[] parts = list(e, topLevel);
                if (parts == null) {
                    return new Condition.Constant(false, e.keyLoc(), text);
                }
                return switch (key) {
                    case "$and" -> new Condition.And(parts, e.keyLoc(), text);
                    case "$or" -> new Condition.Or(parts, e.keyLoc(), text);
                    default -> new Condition.Nor(parts, e.keyLoc(), text);
                };
            }
            case "$not" -> {
                return new Condition.Not(document(e.value(), topLevel), e.keyLoc(), text);
            }
            default -> {
                if (strict() && key.startsWith("$")) {
                    error(e.keyLoc(), "unknown operator \"" + key + "\" here; a condition's keys are field paths or "
                            + "$and, $or, $nor, $not" + Suggestions.didYouMean(key, LOGICAL));
                    return new Condition.Constant(false, e.keyLoc(), text);
                }
                if (strict() && (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains(".."))) {
                    error(e.keyLoc(), "bad field path \"" + key + "\"");
                }
                Path path = Path.of(key);
                if (topLevel && strict()) {
                    scope.checkPath(path, e.keyLoc(), problems);
                }
                ValueCondition test = value(e.value(), topLevel ? path : null, false);
                if (topLevel && strict()) {
                    test = scope.rewrite(path, e.value(), test);
                }
                return new Condition.Field(path, test, e.keyLoc(), text);
            }
        }
    }

    private Condition[] list(Node.Entry e, boolean topLevel) {
        if (!(e.value() instanceof Node.ListNode items)) {
            error(e.value().loc(), e.key() + " takes a list of conditions, found " + e.value().describe());
            return null;
        }
        Condition[] parts = new Condition[items.items().size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = document(items.items().get(i), topLevel);
        }
        return parts;
    }

    /** {@code evalConditionValue}: a literal to compare with, or an object of operators. */
    private ValueCondition value(Node node, Path literalPath, boolean insensitive) {
        if (node instanceof Node.Scalar s) {
            Object v = s.value();
            if (v != null) {
                noteLiteral(literalPath, v, s.loc());
            }
            if (v instanceof String str) {
                return insensitive ? new ValueCondition.EqualsTextIgnoreCase(Js.lower(str)) : ValueCondition.EqualsText.of(str);
            }
            if (v instanceof Number n) {
                return new ValueCondition.EqualsNumber(n.doubleValue());
            }
            if (v instanceof Boolean b) {
                return new ValueCondition.EqualsBoolean(b);
            }
            return new ValueCondition.IsNull();
        }
        if (node instanceof Node.ListNode list) {
            for (Node item : list.items()) {
                if (item instanceof Node.Scalar s && s.value() != null) {
                    noteLiteral(literalPath, s.value(), s.loc());
                }
            }
            return new ValueCondition.EqualsJson(node.toPlain());
        }
        Node.MapNode map = (Node.MapNode) node;
        int operators = 0;
        for (String k : map.entries().keySet()) {
            if (k.startsWith("$")) {
                operators++;
            }
        }
        if (operators == 0 || operators != map.entries().size()) {
            if (operators > 0) {
                error(map.loc(), "mixes operators and field names in one mapping: " + render(node));
            } else if (strict() && !map.entries().isEmpty()) {
                problems.warn(map.loc(), "a mapping here compares the whole object for equality; to test one "
                        + "field use a dotted path, e.g. \"" + (literalPath == null ? "a" : literalPath.text()) + "."
                        + map.entries().keySet().iterator().next() + "\"");
            }
            return new ValueCondition.EqualsJson(node.toPlain());
        }
        ValueCondition[] parts = new ValueCondition[operators];
        int i = 0;
        for (Node.Entry e : map.entries().values()) {
            parts[i++] = operator(e, literalPath);
        }
        return parts.length == 1 ? parts[0] : new ValueCondition.AllOf(parts);
    }

    private void noteLiteral(Path path, Object literal, Loc loc) {
        if (path != null && strict()) {
            scope.literal(path, literal, loc, problems);
        }
    }

    private ValueCondition operator(Node.Entry e, Path literalPath) {
        String op = e.key();
        Node arg = e.value();
        Object plain = arg.toPlain();
        switch (op) {
            case "$eq", "$ne" -> {
                if (!(arg instanceof Node.Scalar)) {
                    error(arg.loc(), op + " compares with one value, found " + arg.describe()
                            + (arg instanceof Node.ListNode ? "; use $in for a list" : ""));
                } else if (plain != null) {
                    noteLiteral(literalPath, plain, arg.loc());
                }
                return new ValueCondition.StrictEquals(plain, op.equals("$ne"));
            }
            case "$gt", "$gte", "$lt", "$lte" -> {
                if (!(plain instanceof String || plain instanceof Number || plain instanceof Boolean)) {
                    error(arg.loc(), op + " needs a number or a string, found " + arg.describe());
                }
                ValueCondition.Compare.Op c = switch (op) {
                    case "$gt" -> ValueCondition.Compare.Op.GT;
                    case "$gte" -> ValueCondition.Compare.Op.GTE;
                    case "$lt" -> ValueCondition.Compare.Op.LT;
                    default -> ValueCondition.Compare.Op.LTE;
                };
                return new ValueCondition.Compare(c, plain);
            }
            case "$exists" -> {
                if (!(plain instanceof Boolean)) {
                    error(arg.loc(), "$exists needs true or false, found " + arg.describe());
                }
                return new ValueCondition.Exists(Js.truthy(plain));
            }
            case "$in", "$nin", "$ini", "$nini" -> {
                if (!(arg instanceof Node.ListNode items)) {
                    error(arg.loc(), op + " needs a list, found " + arg.describe());
                    return new ValueCondition.Never(op + " without a list");
                }
                for (Node item : items.items()) {
                    if (item instanceof Node.Scalar s && s.value() != null) {
                        noteLiteral(literalPath, s.value(), s.loc());
                    }
                }
                List<?> values = (List<?>) plain;
                boolean insensitive = op.endsWith("i");
                ValueSet set = insensitive ? ValueSet.caseInsensitive(values) : ValueSet.of(values);
                return new ValueCondition.In(set, op.startsWith("$n"));
            }
            case "$inGroup", "$notInGroup" -> {
                if (!(plain instanceof String) && strict()) {
                    error(arg.loc(), op + " needs the name of a list, found " + arg.describe());
                }
                String name = Js.toStr(plain);
                ValueSet set = scope.list(name);
                if (set == null) {
                    error(arg.loc(), "unknown list \"" + name + "\"" + Suggestions.didYouMean(name, scope.listNames()));
                    set = ValueSet.EMPTY;
                }
                return new ValueCondition.In(set, op.equals("$notInGroup"));
            }
            case "$not" -> {
                return new ValueCondition.NotValue(value(arg, literalPath, false));
            }
            case "$size" -> {
                if (!(plain instanceof Number) && !(arg instanceof Node.MapNode)) {
                    error(arg.loc(), "$size needs a number or a condition on the length, found " + arg.describe());
                }
                return new ValueCondition.Size(value(arg, null, false));
            }
            case "$elemMatch" -> {
                if (!(arg instanceof Node.MapNode map) || map.entries().isEmpty()) {
                    error(arg.loc(), "$elemMatch needs a condition, found " + arg.describe());
                    return new ValueCondition.Never("$elemMatch without a condition");
                }
                boolean operators = true;
                for (String k : map.entries().keySet()) {
                    operators &= k.startsWith("$");
                }
                if (operators) {
                    return new ValueCondition.ElemMatchValue(value(arg, literalPath, false));
                }
                return new ValueCondition.ElemMatchDocument(document(arg, false));
            }
            case "$all", "$alli" -> {
                if (!(arg instanceof Node.ListNode items)) {
                    error(arg.loc(), op + " needs a list, found " + arg.describe());
                    return new ValueCondition.Never(op + " without a list");
                }
                ValueCondition[] each = new ValueCondition[items.items().size()];
                for (int i = 0; i < each.length; i++) {
                    each[i] = value(items.items().get(i), literalPath, op.equals("$alli"));
                }
                return new ValueCondition.All(each);
            }
            case "$regex", "$regexi" -> {
                if (!(plain instanceof String) && strict()) {
                    error(arg.loc(), op + " needs a pattern string, found " + arg.describe());
                    return new ValueCondition.Never("bad pattern");
                }
                String source = Js.toStr(plain);
                try {
                    int flags = op.equals("$regexi") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
                    Pattern pattern = Pattern.compile(source, flags);
                    String risk = strict() ? Backtracking.risk(source) : null;
                    if (risk != null) {
                        error(arg.loc(), "regex \"" + source + "\" " + risk);
                        return new ValueCondition.Never("regex that can backtrack catastrophically");
                    }
                    return new ValueCondition.Regex(pattern);
                } catch (PatternSyntaxException ex) {
                    error(arg.loc(), "invalid regex \"" + source + "\": " + ex.getDescription());
                    return new ValueCondition.Never("invalid regex");
                }
            }
            case "$type" -> {
                if (!(plain instanceof String t) || !TYPES.contains(t)) {
                    error(arg.loc(), "$type needs one of " + String.join(", ", new java.util.TreeSet<>(TYPES))
                            + ", found " + arg.describe());
                }
                return new ValueCondition.TypeIs(Js.toStr(plain));
            }
            case "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte" -> {
                if (!(plain instanceof String || plain instanceof Number)) {
                    error(arg.loc(), op + " needs a version string, found " + arg.describe());
                }
                ValueCondition.VersionCompare.Op v = switch (op) {
                    case "$veq" -> ValueCondition.VersionCompare.Op.EQ;
                    case "$vne" -> ValueCondition.VersionCompare.Op.NE;
                    case "$vgt" -> ValueCondition.VersionCompare.Op.GT;
                    case "$vgte" -> ValueCondition.VersionCompare.Op.GTE;
                    case "$vlt" -> ValueCondition.VersionCompare.Op.LT;
                    default -> ValueCondition.VersionCompare.Op.LTE;
                };
                return new ValueCondition.VersionCompare(v, Versions.padded(plain));
            }
            default -> {
                error(e.keyLoc(), "unknown operator \"" + op + "\"" + Suggestions.didYouMean(op, OPERATORS));
                return new ValueCondition.Never("unknown operator " + op);
            }
        }
    }

    /** The node as compact JSON, for explanations. */
    static String render(Node node) {
        try {
            return JSON.writeValueAsString(node.toPlain());
        } catch (JsonProcessingException e) {
            return String.valueOf(node.toPlain());
        }
    }
}
