package io.tsunagu.rules.condition;

import io.tsunagu.rules.profile.Interner;
import java.util.List;
import java.util.Map;

/**
 * A dotted path such as {@code traits.last_store} or {@code tags.0}, split once when the condition
 * is compiled. Walking it follows GrowthBook's {@code getPath}: through maps, {@link Fields} and list
 * indexes; anything missing on the way gives null.
 */
public final class Path {

    private final String text;
    private final String[] parts;
    private final int[] indexes;

    private Path(String text) {
        this.text = text;
        this.parts = text.split("\\.", -1);
        this.indexes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            // Interned, so that a map whose keys are interned too (Jackson interns JSON field names,
            // Java literals are interned, event properties share Interner's names) finds them by
            // identity instead of comparing characters.
            parts[i] = Interner.name(parts[i].intern());
            indexes[i] = arrayIndex(parts[i]);
        }
    }

    public static Path of(String text) {
        return new Path(text);
    }

    public String text() {
        return text;
    }

    public int length() {
        return parts.length;
    }

    public String part(int i) {
        return parts[i];
    }

    /** The value at this path inside {@code root}, or null. */
    public Object resolve(Object root) {
        Object current = root;
        for (int i = 0; i < parts.length; i++) {
            if (current instanceof Fields f) {
                current = f.field(parts[i]);
            } else if (current instanceof Map<?, ?> m) {
                current = m.get(parts[i]);
            } else if (current instanceof List<?> l) {
                int index = indexes[i];
                if (index >= 0 && index < l.size()) {
                    current = l.get(index);
                } else if (parts[i].equals("length")) {
                    current = l.size();
                } else {
                    return null;
                }
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static int arrayIndex(String part) {
        if (part.isEmpty() || part.length() > 9 || (part.length() > 1 && part.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    @Override
    public String toString() {
        return text;
    }
}
