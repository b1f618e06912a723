package io.tsunagu.rules.content;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tsunagu.rules.source.PlainJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A variant's content: a template name ({@code banner}, {@code coupon}, {@code message},
 * {@code recommend}) and fields, with every string pre-split into {@link Text}. Rendering fills
 * the placeholders from the decision document and returns plain data for the tag to render; text is
 * HTML-escaped except the author's own markup in fields marked {@code trusted}.
 *
 * <p>A {@code recommend} content carries a {@link RecommendSpec}, and a {@code coupon} may name a
 * {@code pool} of unique codes: a {@link ContentResolver} fills those in.
 */
public final class Content {

    public static final List<String> TEMPLATES = List.of("banner", "coupon", "message", "recommend");

    private static final JsonFactory JSON = new JsonFactory();

    private final String template;
    private final Map<String, Object> fields;
    private final Set<String> trusted;
    private final List<String> trustedList;
    private final RecommendSpec recommend;
    private final String pool;
    private final boolean constant;
    /** For content without placeholders: rendered once, and as JSON. */
    private final Map<String, Object> rendered;
    private final String json;

    Content(String template, Map<String, Object> fields, Set<String> trusted, RecommendSpec recommend, String pool) {
        this.template = template;
        this.fields = fields;
        this.trusted = Set.copyOf(trusted);
        this.trustedList = trusted.stream().sorted().toList();
        this.recommend = recommend;
        this.pool = pool;
        this.constant = recommend == null && pool == null && isConstant(fields);
        this.rendered = constant ? Collections.unmodifiableMap(renderFields(null)) : null;
        this.json = constant ? json(rendered) : null;
    }

    private static String json(Object value) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            PlainJson.write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public String template() {
        return template;
    }

    /** What a recommend content asks for; null for other templates. */
    public RecommendSpec recommend() {
        return recommend;
    }

    /** The pool a coupon draws a unique code from; null for a static code or another template. */
    public String pool() {
        return pool;
    }

    /** Whether a {@link ContentResolver} must complete it (recommended items, a pooled code). */
    public boolean needsResolving() {
        return recommend != null || pool != null;
    }

    /**
     * Renders the fields; the result maps "template" to the template name, then each field, then (if
     * any) "trusted" to the names of the fields that carry the author's HTML.
     */
    public Map<String, Object> render(Object document) {
        return rendered != null ? rendered : renderFields(document);
    }

    /** The rendered content as JSON when it has no placeholders (the same for everyone), else null. */
    public String constantJson() {
        return json;
    }

    private Map<String, Object> renderFields(Object document) {
        Map<String, Object> out = new LinkedHashMap<>(fields.size() * 2 + 2);
        out.put("template", template);
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            out.put(e.getKey(), renderValue(e.getValue(), document, trusted.contains(e.getKey())));
        }
        if (!trusted.isEmpty()) {
            // The tag inserts these fields as HTML; every other string it decodes and sets as text.
            out.put("trusted", trustedList);
        }
        return out;
    }

    public boolean isConstant() {
        return constant;
    }

    private static Object renderValue(Object v, Object document, boolean trusted) {
        if (v instanceof Text t) {
            return t.render(document, trusted);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, renderValue(x, document, trusted)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(renderValue(x, document, trusted));
            }
            return out;
        }
        return v;
    }

    private static boolean isConstant(Object v) {
        if (v instanceof Text t) {
            return t.isConstant();
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().allMatch(Content::isConstant);
        }
        if (v instanceof List<?> l) {
            return l.stream().allMatch(Content::isConstant);
        }
        return true;
    }
}
