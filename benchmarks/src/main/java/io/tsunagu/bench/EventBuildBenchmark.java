package io.tsunagu.bench;

import io.tsunagu.rules.profile.Event;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building the event of one imported POS line from its converted columns, as the loader does for
 * every line: with its strings shared through the interner (a cached event's way) against
 * {@link Event#unshared} (an imported event is encoded and dropped). The column values are new
 * strings each time, as a CSV reader makes them; 50,000 different products and stores, so that the
 * interner's tables see what an import does to them.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EventBuildBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventBuildBenchmark {

    private int n;

    private Map<String, Object> line() {
        n = (n + 7_919) % 50_000;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", "store");
        m.put("store_id", new String("S0" + n % 40));
        m.put("product_id", new String("P" + n));
        m.put("brand", new String("brand-" + n % 60));
        m.put("category", new String("category-" + n % 25));
        m.put("amount", 1280.0 + n);
        return m;
    }

    @Benchmark
    public Event shared() {
        return new Event("R" + n + ":1", "purchase", 1_795_000_000_000L, line());
    }

    @Benchmark
    public Event unshared() {
        return Event.unshared("R" + n + ":1", "purchase", 1_795_000_000_000L, line());
    }

    /** As the loader builds it now: the converted columns go straight into the event's array, no map. */
    @Benchmark
    public Event unsharedPairs() {
        n = (n + 7_919) % 50_000;
        Object[] kv = new Object[12];
        kv[0] = "channel";
        kv[1] = "store";
        kv[2] = "store_id";
        kv[3] = new String("S0" + n % 40);
        kv[4] = "product_id";
        kv[5] = new String("P" + n);
        kv[6] = "brand";
        kv[7] = new String("brand-" + n % 60);
        kv[8] = "category";
        kv[9] = new String("category-" + n % 25);
        kv[10] = "amount";
        kv[11] = 1280.0 + n;
        return Event.unshared("R" + n + ":1", "purchase", 1_795_000_000_000L, kv);
    }
}
