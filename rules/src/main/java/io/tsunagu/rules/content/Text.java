package io.tsunagu.rules.content;

import io.tsunagu.rules.condition.Js;
import io.tsunagu.rules.condition.Path;
import java.util.List;

/**
 * A content string with {@code {{path}}} placeholders, split once when the rules load:
 * {@code "Welcome back, {{attributes.first_name | "friend"}}!"}. A placeholder whose value is
 * missing renders its fallback (after {@code |}), or nothing — never the raw braces.
 *
 * <p>Rendered text is HTML-escaped: a page may put it into its markup as it is. In a field the rule
 * author marks as trusted, the author's own markup is kept, but placeholder values (which come from
 * visitors, pages and imports) are still escaped.
 */
public final class Text {

    /** A literal run, or a placeholder (path + fallback). */
    record Part(String literal, Path path, String fallback) {
    }

    private final Part[] parts;
    /** Each literal part HTML-escaped, slot for slot with {@link #parts} (null for placeholders): once. */
    private final String[] escaped;
    private final String source;

    Text(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts.toArray(Part[]::new);
        this.escaped = new String[this.parts.length];
        for (int i = 0; i < this.parts.length; i++) {
            escaped[i] = this.parts[i].path() == null ? Html.escape(this.parts[i].literal()) : null;
        }
    }

    public String source() {
        return source;
    }

    public boolean isConstant() {
        return parts.length == 0 || (parts.length == 1 && parts[0].path() == null);
    }

    /**
     * @param trusted keep the literal text's markup (placeholder values are escaped either way)
     */
    public String render(Object document, boolean trusted) {
        if (parts.length == 1 && parts[0].path() == null) {
            return trusted ? parts[0].literal() : escaped[0];
        }
        StringBuilder sb = new StringBuilder(source.length() + 16);
        for (int i = 0; i < parts.length; i++) {
            Part p = parts[i];
            if (p.path() == null) {
                sb.append(trusted ? p.literal() : escaped[i]);
            } else {
                String v = show(p.path().resolve(document));
                sb.append(Html.escape(v.isEmpty() ? p.fallback() : v));
            }
        }
        return sb.toString();
    }

    /** How a value reads inside text: numbers without ".0", lists comma-separated, objects not at all. */
    static String show(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v == null || Js.isObject(v)) {
            return "";
        }
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (Object o : list) {
                String s = show(o);
                if (!s.isEmpty()) {
                    if (sb.length() > 0) {
                        sb.append(", ");
                    }
                    sb.append(s);
                }
            }
            return sb.toString();
        }
        return Js.toStr(v);
    }
}
