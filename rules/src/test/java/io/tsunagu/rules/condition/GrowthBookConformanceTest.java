package io.tsunagu.rules.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import io.tsunagu.rules.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GrowthBook's cross-SDK {@code evalCondition} cases: one dynamic test per case, named after it.
 * There, a condition that cannot compile evaluates to false, so these run the lenient compiler.
 */
class GrowthBookConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String name, String condition, Object document, boolean expected, Map<String, ValueSet> lists) {
    }

    static List<Case> cases() throws IOException {
        JsonNode root = JSON.readTree(Files.readString(SharedFiles.path("conformance/growthbook-cases.json")));
        List<Case> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode c : root.get("evalCondition")) {
            String name = c.get(0).asText();
            int n = seen.merge(name, 1, Integer::sum);
            Map<String, ValueSet> lists = new LinkedHashMap<>();
            if (c.size() > 4) {
                c.get(4).fields().forEachRemaining(e ->
                        lists.put(e.getKey(), ValueSet.of(JSON.convertValue(e.getValue(), List.class))));
            }
            out.add(new Case(n == 1 ? name : name + " (" + n + ")", JSON.writeValueAsString(c.get(1)),
                    JSON.convertValue(c.get(2), Object.class), c.get(3).asBoolean(), lists));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> evalCondition() throws IOException {
        List<Case> cases = cases();
        assertEquals(248, cases.size(), "number of evalCondition cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Node node = SourceReader.readJson("case", c.condition(), new Problems());
            Condition condition = ConditionCompiler.lenient(c.lists()).compile(node);
            assertEquals(c.expected(), condition.test(c.document()), c.condition() + " on " + c.document());
        }));
    }
}
