package io.tsunagu.rules.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML or JSON value that remembers where each part was written, so that every load error
 * can name {@code file:line:column}. Rule files and fixtures are read into this tree once and then
 * compiled; nothing on the evaluation path sees it.
 */
public sealed interface Node {

    Loc loc();

    /** What the value is called in messages: "a mapping", "a list", "the string \"x\"". */
    String describe();

    /** The value as a message names it: {@code "30x"} for a string, else as {@link #describe()}. */
    default String show() {
        if (this instanceof Scalar s && s.value() instanceof String str) {
            return "\"" + str + "\"";
        }
        return describe();
    }

    /** The plain Java value: Map, List, String, Number, Boolean or null. */
    Object toPlain();

    /** A mapping; keys keep their order and their own locations. */
    record MapNode(Loc loc, Map<String, Entry> entries) implements Node {

        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        public boolean has(String key) {
            return entries.containsKey(key);
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        @Override
        public Object toPlain() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Entry e : entries.values()) {
                out.put(e.key(), e.value().toPlain());
            }
            return out;
        }
    }

    /** One key of a mapping with the location of the key itself. */
    record Entry(String key, Loc keyLoc, Node value) {
    }

    record ListNode(Loc loc, List<Node> items) implements Node {

        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public Object toPlain() {
            List<Object> out = new ArrayList<>(items.size());
            for (Node n : items) {
                out.add(n.toPlain());
            }
            return out;
        }
    }

    /** A string, number, boolean or null. */
    record Scalar(Loc loc, Object value) implements Node {

        public boolean isString() {
            return value instanceof String;
        }

        public boolean isNumber() {
            return value instanceof Number;
        }

        @Override
        public String describe() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String s) {
                return "the string \"" + s + "\"";
            }
            return (value instanceof Boolean ? "the boolean " : "the number ") + value;
        }

        @Override
        public Object toPlain() {
            return value;
        }
    }
}
