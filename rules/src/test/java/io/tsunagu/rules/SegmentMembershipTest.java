package io.tsunagu.rules;

import static io.tsunagu.rules.testing.TestRules.NOW;
import static io.tsunagu.rules.testing.TestRules.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.ValueCondition;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Tests of {@code segments} that name segments compile to membership tests that evaluate only the
 * named segments. On any value they must answer exactly as the GrowthBook operators they replace.
 */
class SegmentMembershipTest {

    private static final List<String> TESTS = List.of(
            "{ $elemMatch: { $eq: a } }", "{ $elemMatch: { $in: [a, b] } }", "{ $in: [a, b] }", "{ $in: [] }",
            "{ $nin: [a, b] }", "{ $nin: [] }", "{ $all: [a, b] }", "{ $all: [] }", "{ $in: [a], $nin: [c] }");
    private static final List<Object> VALUES = Arrays.asList(List.of(), List.of("a"), List.of("b", "c"),
            List.of("a", "b"), List.of("c"), null, "a", 3, Map.of("a", 1));

    @TestFactory
    Stream<DynamicTest> membership_answersLikeTheOperators() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String text : TESTS) {
            Node test = SourceReader.readYaml("t", text, new Problems());
            Node.MapNode doc = new Node.MapNode(test.loc(), Map.of("segments", new Node.Entry("segments", test.loc(), test)));
            ValueCondition generic = ((Condition.Field) ConditionCompiler.lenient(Map.of()).compile(doc)).test();
            ValueCondition member = RuleScope.membership(test);
            assertNotNull(member, text);
            for (Object value : VALUES) {
                tests.add(DynamicTest.dynamicTest("segments: " + text + " on " + value,
                        () -> assertEquals(generic.test(value), member.test(value))));
            }
        }
        return tests.stream();
    }

    @Test
    void decide_withMembershipTests_andWholeListTests_agree() {
        RuleSet r = rules("""
                segments:
                  a: { when: { attributes.a: true } }
                  b: { when: { attributes.b: true } }
                  ab: { when: { segments: { $all: [a, b] } } }
                campaigns:
                  - { id: needs-ab, slot: hero, when: { segments: { $elemMatch: { $eq: ab } } }, content: { template: banner } }
                  - { id: lists-all, slot: banner, when: { segments: { $size: 1 } }, content: { template: banner } }
                """);
        Profile onlyA = Profile.builder("x").attribute("a", true).build();
        assertEquals(List.of(), r.decide(onlyA, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE));
        assertEquals("lists-all", r.decide(onlyA, Map.of(), List.of("banner"), NOW, ImpressionCounts.NONE).get(0).campaign(),
                "a test of the whole list still sees every segment: [a]");
        Profile both = Profile.builder("y").attribute("a", true).attribute("b", true).build();
        assertEquals("needs-ab", r.decide(both, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE).get(0).campaign());
        assertEquals(List.of("a", "b", "ab"), r.segmentsOf(both, NOW));
    }
}
