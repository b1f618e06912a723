package io.tsunagu.loadtest;

import io.tsunagu.server.profile.Identity;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Random;

/**
 * Realistic traffic, pre-generated so that the generator spends its time sending, not building:
 * visitors drawn from a Zipf distribution with exponent 0.6 — some visitors are far more active than
 * others, yet even the busiest makes a fraction of a percent of the requests, as people do (with
 * exponent 1 over a small population one "visitor" would make a tenth of all page views: a bot); the
 * first {@code members} of them are signed-in members whose offline history was seeded; product pages (most), category pages and
 * the home page, asking for three slots; and a share of event calls (add to cart, impressions,
 * clicks, some purchases).
 */
final class Workload implements Generator.Requests {

    static final List<String> BRANDS = List.of("kumo", "hoshi", "sora", "kaze", "yuki", "hana");
    static final List<String> CATEGORIES = List.of("coats", "knitwear", "shoes", "bags", "accessories", "denim");
    private static final int DISTINCT = 200_000;

    private final String[] paths = new String[DISTINCT];
    private final Buffer[] bodies = new Buffer[DISTINCT];

    /**
     * @param visitors visitor population
     * @param members how many of them (the most active first) are signed members
     * @param identity signs member ids; null sends every request anonymous
     * @param eventShare share of requests that are event calls
     * @param path the decide path (the baseline answers anything)
     */
    Workload(long seed, int visitors, int members, Identity identity, double eventShare, String decidePath,
            String eventsPath) {
        Random r = new Random(seed);
        Zipf zipf = new Zipf(visitors, 0.6);
        for (int i = 0; i < DISTINCT; i++) {
            int v = zipf.next(r);
            String who = who(v, members, identity);
            int product = r.nextInt(500);
            String brand = BRANDS.get(product % BRANDS.size());
            String category = CATEGORIES.get(product / BRANDS.size() % CATEGORIES.size());
            if (r.nextDouble() < eventShare) {
                paths[i] = eventsPath;
                bodies[i] = Buffer.buffer("{" + who + ",\"events\":[" + event(r, product, brand, category) + "]}");
            } else {
                paths[i] = decidePath;
                double kind = r.nextDouble();
                String page = kind < 0.6
                        ? "{\"type\":\"product\",\"url\":\"/p/P-" + product + "\",\"product_id\":\"P-" + product
                                + "\",\"brand\":\"" + brand + "\",\"category\":\"" + category + "\",\"title\":\"" + brand + " item\"}"
                        : kind < 0.85
                                ? "{\"type\":\"category\",\"url\":\"/c/" + category + "\",\"category\":\"" + category + "\"}"
                                : "{\"type\":\"home\",\"url\":\"/\"}";
                bodies[i] = Buffer.buffer("{" + who + ",\"page\":" + page
                        + ",\"slots\":[\"hero\",\"banner\",\"recommendations\"]}");
            }
        }
    }

    /** The id fields of visitor {@code v}: members sign their member id, as the site's backend would. */
    private static String who(int v, int members, Identity identity) {
        String vid = "\"vid\":\"v-" + v + "\"";
        if (v < members && identity != null) {
            String uid = memberId(v);
            return vid + ",\"uid\":\"" + uid + "\",\"uid_sig\":\"" + identity.sign(uid) + "\"";
        }
        return vid;
    }

    static String memberId(int v) {
        return "m-" + v;
    }

    private static String event(Random r, int product, String brand, String category) {
        double kind = r.nextDouble();
        if (kind < 0.4) {
            return "{\"type\":\"add_to_cart\",\"props\":{\"product_id\":\"P-" + product + "\",\"brand\":\"" + brand + "\"}}";
        }
        if (kind < 0.75) {
            return "{\"type\":\"impression\",\"props\":{\"campaign\":\"hero-" + (1 + r.nextInt(10)) + "\",\"slot\":\"hero\"}}";
        }
        if (kind < 0.9) {
            return "{\"type\":\"click\",\"props\":{\"campaign\":\"hero-" + (1 + r.nextInt(10)) + "\",\"slot\":\"hero\"}}";
        }
        return "{\"type\":\"purchase\",\"props\":{\"channel\":\"web\",\"items\":[{\"product_id\":\"P-" + product
                + "\",\"brand\":\"" + brand + "\",\"category\":\"" + category + "\",\"price\":" + (1000 + r.nextInt(20) * 500)
                + "}]}}";
    }

    @Override
    public String path(long i) {
        return paths[(int) (i % DISTINCT)];
    }

    @Override
    public Buffer body(long i) {
        return bodies[(int) (i % DISTINCT)];
    }
}
