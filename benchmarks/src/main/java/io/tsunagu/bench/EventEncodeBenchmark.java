package io.tsunagu.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.PlainJson;
import io.tsunagu.store.EventCodec;
import java.io.IOException;
import java.io.StringWriter;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one event for storage, as every recorded page view and every imported row is: the store's
 * writer ({@link EventCodec#encode}) against a Jackson generator with {@link PlainJson#write} (how it
 * was written before), measured in the same run. The two give the same text (EventCodecTest).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EventEncodeBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventEncodeBenchmark {

    static final JsonFactory JSON = JsonFactory.builder().build();

    Event pageView;
    Event purchase;

    @Setup
    public void setUp() {
        pageView = EventDecodeBenchmark.pageView();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("channel", "store");
        line.put("store_id", "S012");
        line.put("product_id", "P01234");
        line.put("brand", "kumo");
        line.put("amount", 12800.0);
        line.put("quantity", 1L);
        purchase = new Event("R20261124-0012:3", "purchase", 1_795_000_000_000L, line);
    }

    @Benchmark
    public String storeWriterPageView() {
        return EventCodec.encode(pageView);
    }

    @Benchmark
    public String jacksonPageView() throws IOException {
        return jackson(pageView);
    }

    @Benchmark
    public String storeWriterPurchase() {
        return EventCodec.encode(purchase);
    }

    @Benchmark
    public String jacksonPurchase() throws IOException {
        return jackson(purchase);
    }

    private static String jackson(Event e) throws IOException {
        StringWriter w = new StringWriter(64 + e.props().size() * 24);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("i", e.id());
            g.writeStringField("t", e.type());
            g.writeNumberField("s", e.ts());
            g.writeFieldName("p");
            PlainJson.write(g, e.props());
            g.writeEndObject();
        }
        return w.toString();
    }
}
