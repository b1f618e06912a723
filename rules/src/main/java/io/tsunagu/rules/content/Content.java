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

/**
 * A variant's content: a template name ({@code banner}, {@code coupon}, {@code message},
 * {@code recommend}) and fields, with every string pre-split into {@link Text}. Rendering fills
 * the placeholders from the decision document and returns plain data for the tag to render.
 */
public final class Content {

    public static final List<String> TEMPLATES = List.of("banner", "coupon", "message", "recommend");

    private static final JsonFactory JSON = new JsonFactory();

    private final String template;
    private final Map<String, Object> fields;
    private final boolean constant;
    /** For content without placeholders: rendered once, and as JSON. */
    private final Map<String, Object> rendered;
    private final String json;

    Content(String template, Map<String, Object> fields) {
        this.template = template;
        this.fields = fields;
        this.constant = isConstant(fields);
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

    /** Renders the fields; the result maps "template" to the template name, then each field. */
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
            out.put(e.getKey(), renderValue(e.getValue(), document));
        }
        return out;
    }

    public boolean isConstant() {
        return constant;
    }

    private static Object renderValue(Object v, Object document) {
        if (v instanceof Text t) {
            return t.render(document);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, renderValue(x, document)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(renderValue(x, document));
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
