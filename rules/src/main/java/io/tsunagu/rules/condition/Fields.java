package io.tsunagu.rules.condition;

import java.util.Map;

/**
 * An object in a condition's document whose fields are computed on demand instead of stored in a
 * map: the decision document, a profile's traits, an event. Conditions treat it exactly like a
 * JSON object.
 *
 * <p>An abstract class, not an interface, on purpose: {@code x instanceof Fields} runs on every path
 * step, and on JDK 17 a failed instanceof against an interface scans the class's interfaces (about
 * 25 ns measured here) while a class check is a constant-time compare.
 */
public abstract class Fields {

    /** The field's value, or null when it has none. Must not allocate for plain lookups. */
    public abstract Object field(String name);

    /** All fields, in a stable order; used only where a whole object is compared or shown. */
    public abstract Map<String, Object> asMap();
}
