package io.tsunagu.bench;

import io.tsunagu.rules.Decision;
import io.tsunagu.rules.ImpressionCounts;
import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole {@link RuleSet#decide} — the per-page-view path — over a realistic rule set: 20 traits,
 * 30 segments (some built on others) and 50 campaigns in 5 slots, for a gold member with 200 web and
 * store events over the last 400 days.
 *
 * <p>Each call builds a fresh decision document, so every segment is evaluated and every trait a
 * condition reads is computed again, as for a real request. The profile matches some campaigns and
 * not others; higher-priority campaigns of most slots fail first, so several conditions run per slot.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DecideBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecideBenchmark {

    static final long DAY = 86_400_000L;
    static final List<String> SLOTS = List.of("hero", "banner", "recommendations", "sidebar", "footer");
    static final List<String> BRANDS = List.of("kumo", "hoshi", "sora", "kaze", "yuki", "hana");
    static final List<String> CATEGORIES = List.of("coats", "knitwear", "shoes", "bags", "accessories", "denim");
    static final List<String> STORES = List.of("shibuya", "shibuya", "shibuya", "ginza", "shinjuku", "umeda", "sapporo");

    /**
     * Events in the profile's history. 200: every event is kept. 2000: the store keeps the last 200
     * of each type and traits read the older ones from daily aggregates.
     */
    @Param({"200", "2000"})
    public int history;

    private RuleSet rules;
    private Profile profile;
    private Map<String, Object> page;
    private Map<String, Object> visit;
    private long now;
    private List<String> threeSlots;
    private List<String> allSlots;

    @Setup
    public void setup() {
        now = OffsetDateTime.parse("2026-11-20T10:00:00+09:00").toInstant().toEpochMilli();
        try {
            rules = RuleSetLoader.fromStrings(Map.of("bench.yaml", ruleFile()));
        } catch (RuleLoadException e) {
            System.err.println(e.getMessage());
            throw new IllegalStateException("benchmark rules do not load:\n" + e.getMessage(), e);
        }
        if (rules.segments().size() != 30 || rules.campaigns().size() != 50) {
            throw new IllegalStateException("expected 30 segments and 50 campaigns, got " + rules);
        }
        profile = profile(now, history);
        page = new LinkedHashMap<>();
        page.put("type", "product");
        page.put("url", "/p/P-1042");
        page.put("brand", "kumo");
        page.put("category", "coats");
        page.put("product_id", "P-1042");
        visit = new LinkedHashMap<>();
        visit.put("uid", "V-8f3a21");
        visit.put("device", "mobile");
        visit.put("referrer", "newsletter");
        threeSlots = List.of("hero", "banner", "recommendations");
        allSlots = SLOTS;

        List<Decision> three = decideThreeSlots();
        List<Decision> all = decideAllSlots();
        if (three.size() < 2) {
            throw new IllegalStateException("decide returned " + three.size() + " decision(s) for 3 slots; the "
                    + "benchmark would not measure real matching: " + three);
        }
        System.out.println();
        System.out.println("# rules: " + rules + ", " + rules.warnings().size() + " warnings");
        System.out.println("# profile: " + profile + ", segments " + rules.segmentsOf(profile, now));
        System.out.println("# decide(3 slots): " + summary(three));
        System.out.println("# decide(5 slots): " + summary(all));
    }

    @Benchmark
    public List<Decision> decideThreeSlots() {
        return rules.decide(profile, page, visit, threeSlots, now, ImpressionCounts.NONE);
    }

    @Benchmark
    public List<Decision> decideAllSlots() {
        return rules.decide(profile, page, visit, allSlots, now, ImpressionCounts.NONE);
    }

    private static String summary(List<Decision> decisions) {
        StringBuilder sb = new StringBuilder();
        for (Decision d : decisions) {
            sb.append(sb.length() == 0 ? "" : ", ").append(d.slot()).append('=').append(d.campaign()).append('/')
                    .append(d.variant());
        }
        return sb.toString();
    }

    // ---- profile ---------------------------------------------------------------------------------

    /** A gold member in Tokyo with {@code n} events over the last 400 days, the same on every run. */
    static Profile profile(long now, int n) {
        Random r = new Random(20261120L);
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long ts = now - (long) (r.nextDouble() * 400 * DAY);
            String id = "E-" + i;
            int kind = r.nextInt(100);
            Map<String, Object> props = new LinkedHashMap<>();
            String type;
            if (kind < 55) {
                type = "page_view";
                props.put("brand", pick(r, BRANDS));
                props.put("category", pick(r, CATEGORIES));
                props.put("product_id", "P-" + (1000 + r.nextInt(400)));
            } else if (kind < 72) {
                type = "purchase";
                boolean store = r.nextBoolean();
                props.put("channel", store ? "store" : "web");
                if (store) {
                    props.put("store_id", pick(r, STORES));
                }
                props.put("brand", pick(r, BRANDS.subList(0, 3)));
                props.put("amount", 2_000L + 500L * r.nextInt(60));
            } else if (kind < 88) {
                type = "store_visit";
                props.put("store_id", pick(r, STORES));
            } else if (kind < 99) {
                type = "email_open";
                props.put("mailing", "nl-" + r.nextInt(50));
            } else {
                type = "signup";
                props.put("channel", "web");
            }
            events.add(new Event(id, type, ts, props));
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("member_id", "M-1");
        attributes.put("member_rank", "gold");
        attributes.put("first_name", "Yui");
        attributes.put("region", "tokyo");
        attributes.put("age", 34L);
        attributes.put("newsletter", true);
        return ProfilePolicy.DEFAULT.apply("M-1", attributes, events, now);
    }

    private static String pick(Random r, List<String> from) {
        return from.get(r.nextInt(from.size()));
    }

    // ---- rules -----------------------------------------------------------------------------------

    /** One rule file: settings, a list, 20 traits, 30 segments and 50 campaigns. */
    static String ruleFile() {
        StringBuilder y = new StringBuilder();
        y.append("""
                settings:
                  timezone: Asia/Tokyo

                lists:
                  staff_visitors: [V-0001, V-0002, V-0003, V-0004]

                traits:
                  store_visits_30d:      { count: store_visit, within: 30d }
                  store_visits_365d:     { count: store_visit, within: 365d }
                  shibuya_visits_30d:    { count: store_visit, within: 30d, where: { store_id: shibuya } }
                  shibuya_visits_365d:   { count: store_visit, within: 365d, where: { store_id: shibuya } }
                  last_store:            { last: store_visit.store_id }
                  stores_visited:        { distinct: store_visit.store_id }
                  purchase_count:        { count: purchase }
                  store_purchases:       { count: purchase, where: { channel: store } }
                  web_purchases_90d:     { count: purchase, within: 90d, where: { channel: web } }
                  purchases_90d:         { count: purchase, within: 90d }
                  last_purchase_at:      { last: purchase }
                  spend_365d:            { sum: purchase.amount, within: 365d }
                  store_spend_365d:      { sum: purchase.amount, within: 365d, where: { channel: store } }
                  top_brands_365d:       { top: purchase.brand, within: 365d, n: 3 }
                  viewed_brands_30d:     { top: page_view.brand, within: 30d, n: 5 }
                  viewed_categories_30d: { distinct: page_view.category, within: 30d }
                  page_views_7d:         { count: page_view, within: 7d }
                  email_opens_30d:       { count: email_open, within: 30d }
                  store_then_signup:     { sequence: [store_visit, signup], within: 400d }
                  big_buy_then_visit:
                    sequence: [{ event: purchase, where: { amount: { $gte: 25000 } } }, store_visit]
                    within: 180d

                segments:
                  members:               { when: { attributes.member_rank: { $exists: true } } }
                  gold_or_better:        { when: { attributes.member_rank: { $in: [gold, platinum] } } }
                  vip:
                    when:
                      $or:
                        - segments: { $elemMatch: { $eq: gold_or_better } }
                        - traits.store_visits_365d: { $gte: 10 }
                  recent_store_visitor:  { when: { traits.store_visits_30d: { $gte: 1 } } }
                  recent_shibuya_visitor:
                    when:
                      segments: { $elemMatch: { $eq: recent_store_visitor } }
                      traits.shibuya_visits_30d: { $gte: 1 }
                  frequent_visitor:      { when: { traits.store_visits_365d: { $gte: 12 } } }
                  shibuya_regular:       { when: { traits.shibuya_visits_365d: { $gte: 6 }, traits.last_store: shibuya } }
                  multi_store:           { when: { traits.stores_visited: { $gte: 3 } } }
                  new_customer:          { when: { traits.purchase_count: 1, traits.purchases_90d: 1 } }
                  repeat_buyer:          { when: { traits.purchase_count: { $gte: 3 } } }
                  at_risk:               { when: { traits.purchase_count: { $gte: 3 }, traits.purchases_90d: 0 } }
                  big_spender:           { when: { traits.spend_365d: { $gte: 150000 } } }
                  store_shopper:         { when: { traits.store_purchases: { $gte: 2 } } }
                  web_shopper:           { when: { traits.web_purchases_90d: { $gte: 1 } } }
                  omnichannel:           { when: { segments: { $all: [store_shopper, web_shopper] } } }
                  newsletter_reader:     { when: { attributes.newsletter: true, traits.email_opens_30d: { $gte: 1 } } }
                  browsing_now:          { when: { traits.page_views_7d: { $gte: 2 } } }
                  tokyo:                 { when: { attributes.region: tokyo } }
                  kansai:                { when: { attributes.region: { $in: [osaka, kyoto, kobe, nara] } } }
                  young_adult:           { when: { attributes.age: { $gte: 20, $lt: 35 } } }
                  store_then_signup:     { when: { traits.store_then_signup: true } }
                  big_buy_then_visit:    { when: { traits.big_buy_then_visit: true } }
                  category_explorer:     { when: { traits.viewed_categories_30d: { $gte: 3 } } }
                  tokyo_vip:             { when: { segments: { $all: [tokyo, vip] } } }
                  lapsed_vip:
                    when:
                      $and:
                        - segments: { $elemMatch: { $eq: vip } }
                        - segments: { $elemMatch: { $eq: at_risk } }
                """);
        // Five brand fans: bought the brand this year, or browsed it this month.
        for (String brand : BRANDS.subList(0, 5)) {
            y.append("  fan_").append(brand).append(":\n")
                    .append("    when:\n")
                    .append("      $or:\n")
                    .append("        - traits.top_brands_365d: { $in: [").append(brand).append("] }\n")
                    .append("        - traits.viewed_brands_30d: { $elemMatch: { $eq: ").append(brand).append(" } }\n");
        }
        y.append("\ncampaigns:\n");
        appendCampaigns(y);
        return y.toString();
    }

    /**
     * Ten campaigns per slot, priorities 100 down to 10. In most slots the top campaigns target
     * people this profile is not (Kansai, lapsed, new customers…), so a decision tests several
     * conditions before one holds; each slot ends with a catch-all or near-catch-all.
     */
    private static void appendCampaigns(StringBuilder y) {
        String[] conditions = {
            // 0..9: mostly narrow, a few that hold for this profile.
            "{ segments: { $elemMatch: { $eq: kansai } } }",
            "{ segments: { $elemMatch: { $eq: lapsed_vip } }, visit.uid: { $notInGroup: staff_visitors } }",
            "{ segments: { $elemMatch: { $eq: new_customer } } }",
            "{ segments: { $elemMatch: { $eq: at_risk } }, traits.spend_365d: { $gte: 50000 } }",
            "{ segments: { $elemMatch: { $eq: recent_shibuya_visitor } }, visit.uid: { $notInGroup: staff_visitors } }",
            "{ segments: { $in: [big_spender, frequent_visitor] }, page.type: { $in: [product, category] } }",
            "{ segments: { $elemMatch: { $eq: omnichannel } }, page.category: { $in: [coats, knitwear] } }",
            "{ page.type: product, traits.top_brands_365d: { $size: { $gt: 0 } } }",
            "{ segments: { $elemMatch: { $eq: tokyo_vip } }, now.hour: { $gte: 6, $lt: 23 } }",
            "{ page.url: { $regex: \"^/p/\" }, visit.device: { $in: [mobile, tablet] } }",
            // 10..19
            "{ segments: { $elemMatch: { $eq: store_then_signup } } }",
            "{ segments: { $elemMatch: { $eq: big_buy_then_visit } }, traits.last_store: { $in: [ginza, umeda] } }",
            "{ traits.last_purchase_at: { $lt: 0 } }",
            "{ segments: { $elemMatch: { $eq: fan_kumo } }, page.brand: kumo }",
            "{ segments: { $elemMatch: { $eq: fan_hoshi } }, page.brand: { $ne: hoshi } }",
            "{ segments: { $all: [young_adult, browsing_now] } }",
            "{ $or: [ { segments: { $elemMatch: { $eq: newsletter_reader } } }, { visit.referrer: newsletter } ] }",
            "{ segments: { $elemMatch: { $eq: category_explorer } }, page.type: { $ne: checkout } }",
            "{ segments: { $elemMatch: { $eq: multi_store } } }",
            "{ attributes.member_rank: { $exists: true } }",
        };
        // Per slot: which condition each of its 10 campaigns uses, highest priority first.
        int[][] plan = {
            {0, 1, 2, 3, 4, 5, 11, 13, 19, -1},       // hero
            {12, 0, 2, 8, 14, 15, 16, 6, 18, 19},      // banner
            {1, 3, 11, 0, 7, 13, 17, 9, 14, -1},       // recommendations
            {0, 2, 12, 1, 3, 10, 6, 16, 18, -1},       // sidebar
            {11, 12, 3, 0, 2, 1, 10, 17, 9, -1},       // footer
        };
        String[] templates = {"coupon", "banner", "recommend", "message", "banner"};
        int n = 0;
        for (int s = 0; s < SLOTS.size(); s++) {
            String slot = SLOTS.get(s);
            for (int k = 0; k < 10; k++) {
                int priority = 100 - 10 * k;
                int cond = plan[s][k];
                String id = slot + "-" + (k + 1);
                y.append("  - id: ").append(id).append('\n');
                y.append("    slot: ").append(slot).append('\n');
                y.append("    priority: ").append(priority).append('\n');
                if (n % 17 == 5) {
                    y.append("    enabled: false\n");
                }
                if (n % 13 == 7) {
                    y.append("    schedule: { from: 2026-01-01, to: 2026-03-31 }\n");
                }
                if (n % 4 == 1) {
                    y.append("    cap: { impressions: 3, per: 1d }\n");
                }
                if (cond >= 0) {
                    y.append("    when: ").append(conditions[cond]).append('\n');
                }
                String template = cond < 0 ? "banner" : templates[s];
                if (n % 5 == 2) {
                    // An A/B test with a 10% holdout.
                    y.append("    variants:\n");
                    y.append("      - id: a\n        weight: 45\n        content:\n");
                    content(y, template, id + "-a", "          ");
                    y.append("      - id: b\n        weight: 45\n        content:\n");
                    content(y, template, id + "-b", "          ");
                    y.append("      - { id: control, weight: 10 }\n");
                } else {
                    y.append("    content:\n");
                    content(y, template, id, "      ");
                }
                n++;
            }
        }
    }

    private static void content(StringBuilder y, String template, String id, String indent) {
        y.append(indent).append("template: ").append(template).append('\n');
        switch (template) {
            case "coupon" -> {
                y.append(indent).append("code: ").append(id.toUpperCase().replace("-", "")).append('\n');
                y.append(indent).append("title: \"Thanks for visiting, {{attributes.first_name | \\\"friend\\\"}}!\"\n");
                y.append(indent).append("message: \"10% off online this week at {{traits.last_store}} prices\"\n");
            }
            case "recommend" -> {
                y.append(indent).append("title: \"New from {{traits.top_brands_365d}}\"\n");
                y.append(indent).append("strategy: same_brand_new\n");
                y.append(indent).append("limit: 8\n");
                y.append(indent).append("fallback: popular_in_category\n");
            }
            case "message" -> {
                y.append(indent).append("title: \"Hello {{attributes.first_name}}\"\n");
                y.append(indent).append("message: \"As a {{attributes.member_rank | \\\"valued\\\"}} member, shipping is free.\"\n");
            }
            default -> {
                y.append(indent).append("title: \"Welcome back, {{attributes.first_name}}\"\n");
                y.append(indent).append("message: Up to 30% off coats and knitwear\n");
                y.append(indent).append("link: /sale/").append(id).append('\n');
            }
        }
    }
}
