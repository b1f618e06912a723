package io.tsunagu.bench;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording a page view on a cached profile, as every decide does: {@link Profile#withEvents} on one
 * of 5,000 profiles that keep 200 page views each (the load test's busiest visitors) — so, as in the
 * server, the profile's events are mostly not in the CPU's caches. Each page view is checked against
 * the ids of the events kept, then appended.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RecordBenchmark</pre>
 */
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgs = "-Xmx3g")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBenchmark {

    static final int PROFILES = 5_000;
    static final long NOW = 1_795_000_000_000L;

    final ProfilePolicy policy = ProfilePolicy.DEFAULT;
    Profile[] profiles;
    SplittableRandom random;
    long next;

    @Setup
    public void setUp() {
        random = new SplittableRandom(1);
        profiles = new Profile[PROFILES];
        for (int p = 0; p < PROFILES; p++) {
            List<Event> views = new ArrayList<>(policy.maxEventsPerType());
            for (int i = 0; i < policy.maxEventsPerType(); i++) {
                views.add(pageView(NOW - (policy.maxEventsPerType() - i) * 60_000L));
            }
            profiles[p] = Profile.empty("v-" + p).withEvents(views, policy, NOW);
        }
        next = NOW;
    }

    private Event pageView(long ts) {
        String id = Long.toHexString(random.nextLong());
        return new Event(id, "page_view", ts, Map.of("page_type", "product", "product_id", "P-" + random.nextInt(500),
                "brand", "kumo", "category", "coats"));
    }

    @Benchmark
    public Profile recordPageView() {
        int p = random.nextInt(PROFILES);
        Profile after = profiles[p].withEvents(List.of(pageView(++next)), policy, next);
        profiles[p] = after;
        return after;
    }
}
