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
    private final String source;

    Text(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts.toArray(Part[]::new);
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
            return trusted ? parts[0].literal() : Html.escape(parts[0].literal());
        }
        StringBuilder sb = new StringBuilder(source.length() + 16);
        for (Part p : parts) {
            if (p.path() == null) {
                sb.append(trusted ? p.literal() : Html.escape(p.literal()));
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
