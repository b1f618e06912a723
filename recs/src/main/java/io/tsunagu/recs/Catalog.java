package io.tsunagu.recs;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The products the loader imported, in memory on every server instance: by id, and per brand and
 * per category newest first (by launch date). Immutable; replaced whole when the catalog changes.
 */
public final class Catalog {

    /**
     * A product; {@code fields} holds everything the feed gave (name, price, url, image, …).
     *
     * @param active false when the feed says {@code active: false} (discontinued, hidden)
     * @param inStock false when the feed gives a {@code stock} of 0 or less, or {@code in_stock: false}
     */
    public record Product(String id, String brand, String category, LocalDate launchedAt, boolean active,
            boolean inStock, Map<String, Object> fields) {

        /** Whether it may be recommended: active and in stock. */
        public boolean available() {
            return active && inStock;
        }
    }

    public static final Catalog EMPTY = new Catalog(List.of());

    /** Newest first; unknown launch dates last; then by id, for a stable order. */
    public static final Comparator<Product> NEWEST_FIRST = Comparator
            .comparing(Product::launchedAt, Comparator.nullsFirst(Comparator.<LocalDate>naturalOrder())).reversed()
            .thenComparing(Product::id);

    private final Map<String, Product> byId;
    private final Map<String, List<Product>> byBrand;
    private final Map<String, List<Product>> byCategory;
    private final List<Product> all;

    public Catalog(List<Product> products) {
        Map<String, Product> ids = new HashMap<>(products.size() * 2);
        Map<String, List<Product>> brands = new HashMap<>();
        Map<String, List<Product>> categories = new HashMap<>();
        for (Product p : products) {
            ids.put(p.id(), p);
            if (p.brand() != null) {
                brands.computeIfAbsent(p.brand(), k -> new ArrayList<>()).add(p);
            }
            if (p.category() != null) {
                categories.computeIfAbsent(p.category(), k -> new ArrayList<>()).add(p);
            }
        }
        List<Product> sorted = new ArrayList<>(products);
        sorted.sort(NEWEST_FIRST);
        this.all = Collections.unmodifiableList(sorted);
        this.byId = Map.copyOf(ids);
        this.byBrand = freeze(brands);
        this.byCategory = freeze(categories);
    }

    private static Map<String, List<Product>> freeze(Map<String, List<Product>> m) {
        Map<String, List<Product>> out = new HashMap<>(m.size() * 2);
        m.forEach((k, v) -> {
            v.sort(NEWEST_FIRST);
            out.put(k, List.copyOf(v));
        });
        return Map.copyOf(out);
    }

    /** A product from its stored fields (as the loader writes them); null if it has no id. */
    public static Product product(Map<String, Object> fields) {
        Object id = fields.get("id");
        if (!(id instanceof String s) || s.isEmpty()) {
            return null;
        }
        LocalDate launched = null;
        if (fields.get("launched_at") instanceof String d) {
            try {
                launched = LocalDate.parse(d.length() > 10 ? d.substring(0, 10) : d);
            } catch (DateTimeParseException e) {
                // unknown launch date: sorts last
            }
        }
        boolean active = !(fields.get("active") instanceof Boolean b) || b;
        boolean inStock = !(fields.get("stock") instanceof Number n && n.doubleValue() <= 0)
                && !(fields.get("in_stock") instanceof Boolean b && !b);
        return new Product(s, text(fields.get("brand")), text(fields.get("category")), launched, active, inStock,
                Collections.unmodifiableMap(fields));
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }

    public int size() {
        return byId.size();
    }

    public Product get(String id) {
        return id == null ? null : byId.get(id);
    }

    /** A brand's products, newest first. */
    public List<Product> brand(String brand) {
        return byBrand.getOrDefault(brand, List.of());
    }

    /** A category's products, newest first. */
    public List<Product> category(String category) {
        return byCategory.getOrDefault(category, List.of());
    }

    /** Every product, newest first. */
    public List<Product> all() {
        return all;
    }
}
