package io.tsunagu.loader.feed;

import io.tsunagu.rules.source.Loc;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One kind of CSV export, as declared in the feeds file: which files, how they are encoded, and how
 * a row becomes attributes, an event or a product.
 *
 * @param name       the feed's name (namespaces event ids: re-importing a row of the same feed never counts twice)
 * @param kind       what a row is
 * @param file       file name pattern (glob), e.g. {@code pos_*.csv}
 * @param encoding   the name written in the feeds file
 * @param charset    how the bytes are decoded
 * @param id         the column holding the customer's (or, for a catalog, the product's) id
 * @param event      the event type (events feeds)
 * @param time       when the event happened (events feeds)
 * @param key        columns whose values identify an event (events feeds); empty: the whole row does
 * @param columns    attributes, event properties or product fields, by name
 * @param maxBadRows how many rows may be rejected before the whole file is
 * @param pool       the coupon pool the codes go to (coupons feeds; the feed's name unless given)
 */
public record Feed(String name, Kind kind, String file, String encoding, Charset charset, char delimiter, char quote,
        Column id, String event, Column time, List<String> key, Map<String, Column> columns, BadRowLimit maxBadRows,
        String pool, Loc loc) {

    public enum Kind {
        /** One row: the latest attributes of one customer. */
        ATTRIBUTES,
        /** One row: one event on a customer's timeline. */
        EVENTS,
        /** One row: one product. */
        CATALOG,
        /** One row: one unique coupon code for a pool ({@code id} is the code's column). */
        COUPONS
    }

    /** Whether a file's name matches this feed's pattern. */
    public boolean matches(Path path) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + file);
        return m.matches(path.getFileName());
    }

    /** Whether a row's value is read from the source column {@code name}. */
    public boolean readsColumn(String name) {
        if (id.from().equals(name) || time != null && time.from().equals(name) || key.contains(name)) {
            return true;
        }
        for (Column c : columns.values()) {
            if (name.equals(c.from())) {
                return true;
            }
        }
        return false;
    }

    /** Source columns the header must have. */
    public List<String> requiredColumns() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        out.add(id.from());
        if (time != null) {
            out.add(time.from());
        }
        out.addAll(key);
        for (Column c : columns.values()) {
            if (c.from() != null && !c.optional()) {
                out.add(c.from());
            }
        }
        return List.copyOf(out);
    }
}
