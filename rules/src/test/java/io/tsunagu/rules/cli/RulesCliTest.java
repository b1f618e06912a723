package io.tsunagu.rules.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.testing.ConformanceLines;
import io.tsunagu.rules.testing.RepoFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The rules CLI, run in-process: exit codes, output, and messages for bad input. */
class RulesCliTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RulesCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void check_exampleRules_printsASummary() {
        Run r = run("", "check", RepoFiles.exampleRules().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(": OK — 5 files, 14 traits, 7 segments, 12 campaigns in 6 slots, 1 list"), r.out());
        assertTrue(r.out().contains("slots: hero (4) banner (3) recommendations (2)"), r.out());
    }

    @Test
    void check_brokenRules_printsEveryErrorAndFails(@TempDir Path dir) throws IOException {
        RepoFiles.copyOfExampleRules(dir);
        RepoFiles.edit(dir.resolve("traits.yaml"), "within: 30d }", "within: 30 days }");
        RepoFiles.edit(dir.resolve("campaigns.yaml"), "$notInGroup", "$notInGrup");
        RepoFiles.edit(dir.resolve("segments.yaml"), "traits.store_visits_30d", "traits.store_visit_30d");
        Run r = run("", "check", dir.toString());
        assertEquals(1, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals(List.of(
                dir.resolve("campaigns.yaml") + ":10:20: unknown operator \"$notInGrup\" (did you mean \"$notInGroup\"?)",
                dir.resolve("segments.yaml") + ":17:7: unknown trait \"store_visit_30d\" (did you mean \"store_visits_30d\"?)",
                dir.resolve("traits.yaml") + ":4:53: bad duration \"30 days\" for within: use a number and a unit, e.g. 90s, "
                        + "15m, 12h, 30d, 2w",
                "3 errors in " + dir), lines);
    }

    @Test
    void check_missingDirectory_fails() {
        Run r = run("", "check", "/nonexistent/rules");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("/nonexistent/rules: no such directory"), r.err());
    }

    @TestFactory
    Stream<DynamicTest> eval_answersEveryConformanceCase() throws IOException {
        List<ConformanceLines.Line> cases = ConformanceLines.all();
        Run r = run(cases.stream().map(ConformanceLines.Line::json).collect(Collectors.joining("\n", "", "\n")), "eval");
        assertEquals(0, r.code(), r.err());
        List<String> answers = r.out().lines().toList();
        assertEquals(cases.size(), answers.size());
        return IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(cases.get(i).name(),
                () -> assertEquals(String.valueOf(cases.get(i).expected()), answers.get(i), cases.get(i).json())));
    }

    @Test
    void eval_badLine_namesTheLineAndStops() {
        Run r = run("{\"condition\":{\"a\":1},\"document\":{\"a\":1}}\n\n{\"condition\": {\"a\":\n{}\n", "eval");
        assertEquals(1, r.code());
        assertEquals("true\n", r.out());
        assertTrue(r.err().startsWith("stdin:3:"), r.err());
        assertTrue(r.err().contains("not valid JSON"), r.err());
    }

    @Test
    void eval_jsonError_namesLineAndColumnOnce() {
        Run r = run("{\"condition\":{},\"document\":{}}\n{bad\n", "eval");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("stdin:2:2: not valid JSON: "), r.err());
        String deep = "{\"condition\":" + "{\"$not\":".repeat(300) + "{}" + "}".repeat(300) + ",\"document\":{}}\n";
        assertTrue(run(deep, "eval").err().matches("stdin:1:\\d+: not valid JSON: nested more than 200 levels deep\\R"));
    }

    @Test
    void eval_missingCondition_orBadLists_isAnError() {
        assertEquals("stdin:1: missing field \"condition\"\n", run("{\"document\":{}}\n", "eval").err());
        assertEquals("stdin:1: field \"lists.g\" must be an array\n",
                run("{\"condition\":{},\"lists\":{\"g\":1}}\n", "eval").err());
        assertEquals("stdin:1: expected a JSON object {\"condition\": …, \"document\": …}\n", run("[1]\n", "eval").err());
    }

    @Test
    void test_exampleFixturesPass() {
        Run r = run("", "test", RepoFiles.exampleRules().toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("24 tests: 24 passed, 0 failed"), r.out());
    }

    @Test
    void test_wrongFixture_failsNamingTheSlotAndWhy(@TempDir Path dir) throws IOException {
        RepoFiles.copyOfExampleRules(dir);
        RepoFiles.edit(dir.resolve("coupons.test.yaml"), "hero: store-visitor-coupon\n      not_segments",
                "hero: shibuya-store-coupon\n      not_segments");
        Run r = run("", "test", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("  FAIL  A visitor of another store gets the general store coupon\n"), r.out());
        assertTrue(r.out().contains(dir.resolve("coupons.test.yaml") + ":33:7: slot hero: expected shibuya-store-coupon, "
                + "got store-visitor-coupon/default — shibuya-store-coupon: condition failed: "), r.out());
        assertTrue(r.out().contains("24 tests: 23 passed, 1 failed"), r.out());
    }

    @Test
    void test_brokenFixtureFile_isReportedAndFails(@TempDir Path dir) throws IOException {
        RepoFiles.copyOfExampleRules(dir);
        Files.writeString(dir.resolve("broken.test.yaml"), "tests:\n  - name: no time\n    expect: { hero: none }\n");
        Run r = run("", "test", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("ERROR " + dir.resolve("broken.test.yaml") + ":2:5: test \"no time\" needs now"), r.out());
    }

    @Test
    void test_withoutFixtures_fails(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("r.yaml"), "traits: {}\n");
        Run r = run("", "test", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no fixtures (*.test.yaml) found"), r.err());
    }

    @Test
    void usage_errorsExitWithTwo() {
        assertEquals(2, run("").code());
        assertEquals(2, run("", "frobnicate").code());
        assertEquals(2, run("", "check").code());
        assertEquals(0, run("", "help").code());
    }
}
