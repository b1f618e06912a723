package io.tsunagu.bench;

import io.tsunagu.recs.Catalog;
import io.tsunagu.recs.ModelBuilder;
import io.tsunagu.recs.Recommender;
import io.tsunagu.recs.Shopper;
import io.tsunagu.rules.content.RecommendSpec;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import java.time.LocalDate;
import java.time.ZoneId;
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
 * What a recommend content adds to a cached decide: reading the shopper from the profile
 * ({@link Shopper#of}) and running one strategy with its fallback, for a member with 200 purchases
 * and 200 page views, over a catalog of 5,000 products and a model built from 200,000 purchases.
 * Sample mode, for the p99 (budget: ≤ 100 µs).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RecommendBenchmark</pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecommendBenchmark {

    static final long DAY = 86_400_000L;
    static final String[] BRANDS = {"kumo", "hoshi", "nami", "sora", "yama", "kaze", "yuki", "hana"};
    static final String[] CATEGORIES = {"shirts", "knit", "pants", "outerwear", "shoes", "bags", "accessories"};

    @Param({"same_brand_new", "bought_together", "recently_viewed", "repeat_purchase", "popular_in_category"})
    public String strategy;

    Recommender recommender;
    Profile profile;
    Map<String, Object> page;
    RecommendSpec spec;
    long now;

    @Setup
    public void setUp() {
        Random random = new Random(7);
        now = System.currentTimeMillis();
        int products = 5_000;
        List<Catalog.Product> catalog = new ArrayList<>(products);
        for (int i = 0; i < products; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", "P-" + i);
            m.put("name", "Product " + i);
            m.put("brand", BRANDS[i % BRANDS.length]);
            m.put("category", CATEGORIES[(i / BRANDS.length) % CATEGORIES.length]);
            m.put("price", 1000 + random.nextInt(20_000));
            m.put("launched_at", LocalDate.now().minusDays(random.nextInt(730)).toString());
            m.put("url", "/p/P-" + i);
            catalog.add(Catalog.product(m));
        }
        ModelBuilder b = new ModelBuilder(ZoneId.of("Asia/Tokyo"), ModelBuilder.Settings.DEFAULT);
        for (int n = 0; n < 200_000; n++) {
            int item = (int) Math.min(products - 1, Math.abs(random.nextGaussian()) * products / 3);
            long ts = now - random.nextInt(365) * DAY;
            String customer = "C" + random.nextInt(40_000);
            b.add(customer, ts, "P-" + item, null);
            if (random.nextDouble() < 0.4) {
                b.add(customer, ts, "P-" + ((item * 7 + 3) % products), null); // a companion
            }
        }
        recommender = new Recommender(new Catalog(catalog), b.build(now));

        Profile.Builder p = Profile.builder("M-1");
        for (int i = 0; i < 200; i++) {
            int item = random.nextInt(products);
            // Purchases: a few items bought again and again, so that repeat purchases are due.
            int bought = i % 4 == 0 ? i % 20 : item;
            p.event(new Event("b" + i, "purchase", now - (200 - i) * 2 * DAY, Map.of("product_id", "P-" + bought,
                    "brand", BRANDS[bought % BRANDS.length], "category", CATEGORIES[(bought / BRANDS.length) % CATEGORIES.length],
                    "amount", 5000)));
            p.event(new Event("v" + i, "page_view", now - (200 - i) * DAY, Map.of("page_type", "product", "product_id",
                    "P-" + item)));
        }
        profile = p.build();
        page = Map.of("type", "product", "product_id", "P-42", "category", "knit");
        spec = new RecommendSpec(strategy, 8, RecommendSpec.DEFAULT_LOOKBACK_MS, !strategy.equals("repeat_purchase"),
                strategy.equals("popular_in_category") ? null : "popular_in_category", 8, 1.0);
    }

    @Benchmark
    public Recommender.Result recommend() {
        return recommender.recommend(spec, Shopper.of(profile, page, now));
    }
}
