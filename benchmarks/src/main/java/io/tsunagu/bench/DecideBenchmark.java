package io.tsunagu.bench;

import io.tsunagu.rules.Decision;
import io.tsunagu.rules.ImpressionCounts;
import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
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
            rules = RuleSetLoader.load(ruleDir());
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

    /** The committed benchmark rule set (30 segments, 50 campaigns), found from the working directory up. */
    static Path ruleDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path rules = dir.resolve("examples/bench-rules");
            if (Files.isDirectory(rules)) {
                return rules;
            }
        }
        throw new IllegalStateException("run from the repository: examples/bench-rules not found above "
                + Path.of("").toAbsolutePath());
    }
}
