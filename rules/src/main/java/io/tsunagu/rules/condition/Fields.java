package io.tsunagu.rules.condition;

import java.util.Map;

/**
 * An object in a condition's document whose fields are computed on demand instead of stored in a
 * map: the decision document, a profile's traits, an event. Conditions treat it exactly like a
 * JSON object.
 */
public interface Fields {

    /** The field's value, or null when it has none. Must not allocate for plain lookups. */
    Object field(String name);

    /** All fields, in a stable order; used only where a whole object is compared or shown. */
    Map<String, Object> asMap();
}
