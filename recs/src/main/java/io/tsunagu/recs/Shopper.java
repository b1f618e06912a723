package io.tsunagu.recs;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.EventRun;
import io.tsunagu.rules.profile.Interner;
import io.tsunagu.rules.profile.Profile;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What recommendations know about one customer: their purchases (web and store) and product views,
 * newest first, and the page they are on.
 *
 * @param pageProduct the product of the page being viewed, or null
 * @param pageCategory the page's category, or null
 */
public record Shopper(List<Bought> purchases, List<Viewed> views, String pageProduct, String pageCategory, long now) {

    /**
     * One purchase; brand and category as the purchase recorded them (may be null), and the product
     * null when the purchase names only a brand.
     */
    public record Bought(String product, String brand, String category, long ts) {
    }

    public record Viewed(String product, long ts) {
    }

    // The shared instances of the property names: events hold these, and are searched by identity first.
    private static final String PRODUCT_ID = Interner.name("product_id");
    private static final String BRAND = Interner.name("brand");
    private static final String CATEGORY = Interner.name("category");
    private static final String QUANTITY = Interner.name("quantity");
    private static final String AMOUNT = Interner.name("amount");

    public Shopper {
        purchases = Collections.unmodifiableList(purchases);
        views = Collections.unmodifiableList(views);
    }

    /**
     * From a profile's retained {@code purchase} events (those with a {@code product_id} or at least a
     * {@code brand}: a store receipt may name only the brand) and {@code page_view} events with a
     * {@code product_id}, and the page of the request. The views are found as they are asked for: a
     * profile keeps hundreds, and most strategies never look at them.
     */
    public static Shopper of(Profile profile, Map<String, ?> page, long now) {
        List<Bought> purchases = new ArrayList<>();
        EventRun run = profile.run("purchase");
        if (!run.isEmpty()) {
            // The run's columns: a busy server finds them in a few arrays rather than in every event.
            long[] times = run.times();
            Object[] products = run.column(PRODUCT_ID);
            Object[] brands = run.column(BRAND);
            Object[] categories = run.column(CATEGORY);
            Object[] quantities = run.column(QUANTITY);
            Object[] amounts = run.column(AMOUNT);
            for (int i = run.to() - 1; i >= run.from(); i--) {
                String product = text(products[i]);
                String brand = text(brands[i]);
                if ((product != null || brand != null) && times[i] <= now && !isReturn(quantities[i], amounts[i])) {
                    purchases.add(new Bought(product, brand, text(categories[i]), times[i]));
                }
            }
        }
        return new Shopper(purchases, new Views(profile.run("page_view"), now), text(page.get("product_id")),
                text(page.get("category")), now);
    }

    /** A purchase event that is a return or cancellation: a quantity of 0 or less, or a negative amount. */
    public static boolean isReturn(Event e) {
        return isReturn(e.prop(QUANTITY), e.prop(AMOUNT));
    }

    private static boolean isReturn(Object quantity, Object amount) {
        return (quantity instanceof Number q && q.doubleValue() <= 0)
                || (amount instanceof Number a && a.doubleValue() < 0);
    }

    /** A profile's product views, newest first, found from its page views as far as they are read. */
    private static final class Views extends AbstractList<Viewed> {

        private final EventRun run;
        private final long[] times;
        private Object[] products;
        private final long now;
        private int next;
        private final List<Viewed> found = new ArrayList<>();

        Views(EventRun run, long now) {
            this.run = run;
            this.times = run.times();
            this.next = run.to() - 1;
            this.now = now;
        }

        /** Finds views until there are more than {@code n} or the page views run out; whether there are. */
        private boolean reach(int n) {
            while (found.size() <= n && next >= run.from()) {
                if (products == null) {
                    products = run.column(PRODUCT_ID);
                }
                int i = next--;
                String product = text(products[i]);
                if (product != null && times[i] <= now) {
                    found.add(new Viewed(product, times[i]));
                }
            }
            return found.size() > n;
        }

        @Override
        public Viewed get(int index) {
            if (index < 0 || !reach(index)) {
                throw new IndexOutOfBoundsException(index);
            }
            return found.get(index);
        }

        @Override
        public int size() {
            reach(Integer.MAX_VALUE - 1);
            return found.size();
        }

        @Override
        public boolean isEmpty() {
            return !reach(0);
        }

        @Override
        public Iterator<Viewed> iterator() {
            return new Iterator<>() {
                private int at;

                @Override
                public boolean hasNext() {
                    return reach(at);
                }

                @Override
                public Viewed next() {
                    if (!reach(at)) {
                        throw new NoSuchElementException();
                    }
                    return found.get(at++);
                }
            };
        }
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }
}
