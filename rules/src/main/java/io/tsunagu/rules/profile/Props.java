package io.tsunagu.rules.profile;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An event's properties: immutable, in insertion order, in one array of keys and values. A profile
 * cache holds hundreds of thousands of events; a LinkedHashMap (entries, table, wrapper) costs several
 * times the memory and garbage per event. Lookups scan the few keys an event has.
 *
 * <p>Names and short string values are shared ({@link Interner}): brands, categories, store and
 * page types repeat across millions of events.
 */
final class Props extends AbstractMap<String, Object> {

    static final Props EMPTY = new Props(new Object[0]);

    private final Object[] kv;

    private Props(Object[] kv) {
        this.kv = kv;
    }

    static Props of(Map<String, ?> source) {
        if (source instanceof Props p) {
            return p;
        }
        return source == null || source.isEmpty() ? EMPTY : ofPairs(pairs(source));
    }

    /** The properties as they are, nothing shared. */
    static Props copyOf(Map<String, ?> source) {
        if (source instanceof Props p) {
            return p;
        }
        return source == null || source.isEmpty() ? EMPTY : new Props(pairs(source));
    }

    private static Object[] pairs(Map<String, ?> source) {
        Object[] kv = new Object[source.size() * 2];
        int i = 0;
        for (Map.Entry<String, ?> e : source.entrySet()) {
            kv[i++] = e.getKey();
            kv[i++] = e.getValue();
        }
        return kv;
    }

    /** Properties from alternating names and values as they are, nothing shared; the array becomes the map's own. */
    static Props wrap(Object[] kv) {
        return kv.length == 0 ? EMPTY : new Props(kv);
    }

    /** Properties from alternating names and values; the array becomes the map's own. */
    static Props ofPairs(Object[] kv) {
        if (kv.length == 0) {
            return EMPTY;
        }
        for (int i = 0; i < kv.length; i += 2) {
            kv[i] = Interner.name((String) kv[i]);
            if (kv[i + 1] instanceof String s && s.length() <= Interner.VALUE_MAX) {
                kv[i + 1] = Interner.value(s);
            }
        }
        return new Props(kv);
    }

    @Override
    public Object get(Object key) {
        // Compiled paths hold the shared names: found by identity, reading only this array (following
        // each name to its characters or hash costs a cache miss per property when the profiles of a
        // busy server do not fit the CPU's caches). Other names by hash, then characters.
        Object[] a = kv;
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] == key) {
                return a[i + 1];
            }
        }
        if (key == null) {
            return null;
        }
        int h = key.hashCode();
        for (int i = 0; i < a.length; i += 2) {
            if (a[i].hashCode() == h && a[i].equals(key)) {
                return a[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return kv.length / 2;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < kv.length;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (i >= kv.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<String, Object> e = new SimpleImmutableEntry<>((String) kv[i], kv[i + 1]);
                        i += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return kv.length / 2;
            }
        };
    }
}
