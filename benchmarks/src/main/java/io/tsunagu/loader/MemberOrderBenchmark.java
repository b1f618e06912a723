package io.tsunagu.loader;

import io.tsunagu.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * Putting the rows an import holds in member order before they go to a run (in the loader's package:
 * {@link MemberOrder} is its own): 120,000 rows — what the 64 MB budget holds of POS lines — of a
 * time-ordered export over 100,000 members, each row's id a string of its own as the CSV reader made
 * it. {@code comparator} is how it was done (a stable sort by the ids' hashes, then the ids),
 * {@code byPid} how it is done (primitive keys of hash and position).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar MemberOrderBenchmark</pre>
 */
@State(Scope.Thread)
@Fork(2)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MemberOrderBenchmark {

    private List<MemberOrder.Row> rows;

    @Setup
    public void rows() {
        Random r = new Random(1);
        rows = new ArrayList<>();
        for (int i = 0; i < 120_000; i++) {
            String pid = new String(("M" + (1_000_000 + r.nextInt(100_000))).toCharArray());
            rows.add(new MemberOrder.Row(pid, new StoredEvent("pos:" + i, "purchase", i, "{\"amount\":" + i + "}")));
        }
    }

    @Benchmark
    public List<MemberOrder.Row> comparator() {
        List<MemberOrder.Row> copy = new ArrayList<>(rows);
        copy.sort(MemberOrder.BY_PID);
        return copy;
    }

    @Benchmark
    public List<MemberOrder.Row> byPid() {
        return MemberOrder.byPid(rows);
    }
}
