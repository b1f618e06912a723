package io.tsunagu.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsunagu.rules.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Variant bucketing is GrowthBook's: its cross-SDK {@code hash}, {@code getBucketRange} and
 * {@code chooseVariation} cases hold here too, so a visitor gets the same variant from Tsunagu as
 * from any GrowthBook SDK given the same seed and id.
 */
class BucketingConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode cases() throws IOException {
        return JSON.readTree(Files.readString(SharedFiles.path("conformance/growthbook-cases.json")));
    }

    @TestFactory
    Stream<DynamicTest> hash() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases().get("hash")) {
            String seed = c.get(0).asText();
            String value = c.get(1).asText();
            int version = c.get(2).asInt();
            tests.add(DynamicTest.dynamicTest("hash(\"" + seed + "\", \"" + value + "\", v" + version + ")", () -> {
                Double h = Bucketing.hash(seed, value, version);
                if (c.get(3).isNull()) {
                    assertNull(h);
                } else {
                    assertEquals(c.get(3).asDouble(), h, 1e-9);
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> getBucketRange() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases().get("getBucketRange")) {
            JsonNode args = c.get(1);
            double[] weights = args.get(2).isNull() ? null : JSON.convertValue(args.get(2), double[].class);
            tests.add(DynamicTest.dynamicTest(c.get(0).asText(), () -> {
                double[][] ranges = Bucketing.bucketRanges(args.get(0).asInt(), args.get(1).asDouble(), weights);
                double[][] expected = JSON.convertValue(c.get(2), double[][].class);
                assertEquals(expected.length, ranges.length);
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], ranges[i], 1e-9, "range " + i);
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> chooseVariation() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases().get("chooseVariation")) {
            tests.add(DynamicTest.dynamicTest(c.get(0).asText(), () -> assertEquals(c.get(3).asInt(),
                    Bucketing.chooseVariation(c.get(1).asDouble(), JSON.convertValue(c.get(2), double[][].class)))));
        }
        return tests.stream();
    }
}
