package io.tsunagu.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.PlainJson;
import io.tsunagu.store.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Decoding one stored page view, as a cache miss does for every event the profile keeps: the store's
 * reader ({@link EventCodec#decode(byte[])}) against the generic way — a Jackson parser and
 * {@link PlainJson#read} — measured in the same run.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EventDecodeBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventDecodeBenchmark {

    static final JsonFactory JSON = JsonFactory.builder().build();

    byte[] stored;

    @Setup
    public void setUp() {
        stored = EventCodec.encode(pageView()).getBytes(StandardCharsets.UTF_8);
    }

    /** A recorded product page view with seven properties. */
    static Event pageView() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("url", "https://shop.example.com/p/P01234?utm_source=mail");
        props.put("type", "product");
        props.put("product_id", "P01234");
        props.put("category", "shoes");
        props.put("brand", "kumo");
        props.put("referrer", "https://shop.example.com/c/shoes");
        props.put("title", "Kumo running shoe, navy");
        return new Event("pv-7f3a9c2e1b", "page_view", 1_795_000_000_000L, props);
    }

    @Benchmark
    public Event storeReader() {
        return EventCodec.decode(stored);
    }

    @Benchmark
    public Event jacksonGeneric() throws IOException {
        try (JsonParser p = JSON.createParser(stored)) {
            String id = null;
            String type = null;
            long ts = 0;
            Map<String, Object> props = Map.of();
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "i" -> id = p.getText();
                    case "t" -> type = p.getText();
                    case "s" -> ts = p.getLongValue();
                    case "p" -> props = asMap(PlainJson.read(p));
                    default -> p.skipChildren();
                }
            }
            return new Event(id, type, ts, props);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
