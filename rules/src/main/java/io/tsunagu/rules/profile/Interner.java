package io.tsunagu.rules.profile;

import java.nio.charset.StandardCharsets;

/**
 * Shares equal strings between events, so that a near-cache of many profiles holds each brand,
 * category or store id once and garbage collections have fewer objects to copy. Property names get
 * a table of their own: compiled paths hold the same instances and match them by identity.
 *
 * <p>Direct-mapped tables: a string's hash picks one slot; a hit returns the stored instance, a miss
 * overwrites the slot. Bounded, lock-free and a few nanoseconds a call, unlike {@link String#intern()}
 * (a global table, tens of nanoseconds). A race or a collision only loses sharing: strings are
 * immutable and safely published through their final fields.
 */
public final class Interner {

    /** Values up to this length are shared (ids and short codes repeat; long texts rarely do). */
    public static final int VALUE_MAX = 32;

    private static final String[] NAMES = new String[1 << 12];
    private static final String[] VALUES = new String[1 << 15];

    private Interner() {
    }

    /** A property or path name. */
    public static String name(String s) {
        return intern(NAMES, s);
    }

    /** A short property value. */
    public static String value(String s) {
        return intern(VALUES, s);
    }

    /**
     * A property or path name given as ASCII bytes {@code b[from..to)}: the shared instance if there is
     * one, found without building a string (a cache miss decodes the same few names for every event).
     */
    public static String name(byte[] b, int from, int to) {
        return intern(NAMES, b, from, to);
    }

    /** A short property value given as ASCII bytes {@code b[from..to)}; see {@link #name(byte[], int, int)}. */
    public static String value(byte[] b, int from, int to) {
        return intern(VALUES, b, from, to);
    }

    private static String intern(String[] table, byte[] b, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + (b[k] & 0xff); // String.hashCode of these characters: the same slot as intern(String)
        }
        int i = (h ^ (h >>> 16)) & (table.length - 1);
        String found = table[i];
        if (found != null && same(found, b, from, to)) {
            return found;
        }
        String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        table[i] = s;
        return s;
    }

    private static boolean same(String s, byte[] b, int from, int to) {
        if (s.length() != to - from) {
            return false;
        }
        for (int k = from; k < to; k++) {
            if (s.charAt(k - from) != b[k]) {
                return false;
            }
        }
        return true;
    }

    private static String intern(String[] table, String s) {
        int h = s.hashCode();
        int i = (h ^ (h >>> 16)) & (table.length - 1);
        String found = table[i];
        if (found != null && found.equals(s)) {
            return found;
        }
        table[i] = s;
        return s;
    }
}
