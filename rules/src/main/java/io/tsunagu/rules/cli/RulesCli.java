package io.tsunagu.rules.cli;

import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.condition.ConditionCompiler;
import io.tsunagu.rules.condition.ValueSet;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tsunagu rules check|eval|test}: the marketer's and the CI's view of a rule set. */
public final class RulesCli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: tsunagu rules <command>

              check DIR   load and validate the rule files in DIR: a summary and exit 0,
                          or every error as file:line:column: message and exit 1
              eval        evaluate conditions from JSON lines on stdin, one per line:
                          {"condition": {...}, "document": {...}, "lists": {"name": [...]}}
                          and print true or false for each (GrowthBook semantics)
              test DIR    run the fixtures (*.test.yaml) beside the rules in DIR and report
                          every mismatch, naming the slot; exit 1 if any test fails
            """;

    private final PrintStream out;
    private final PrintStream err;

    RulesCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, System.in, out, err);
        out.flush();
        System.exit(code);
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        RulesCli cli = new RulesCli(out, err);
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        String command = args[0];
        try {
            switch (command) {
                case "check":
                    return args.length == 2 ? cli.check(Path.of(args[1])) : cli.usage("check takes one directory");
                case "eval":
                    return args.length == 1 ? cli.eval(in) : cli.usage("eval takes no arguments; it reads stdin");
                case "test":
                    return args.length == 2 ? cli.test(Path.of(args[1])) : cli.usage("test takes one directory");
                default:
                    return cli.usage("unknown command \"" + command + "\"");
            }
        } catch (IOException e) {
            err.println("tsunagu rules " + command + ": " + e.getMessage());
            return FAILED;
        }
    }

    private int usage(String problem) {
        err.println("tsunagu rules: " + problem);
        err.print(USAGE_TEXT);
        return USAGE;
    }

    // ---- check ---------------------------------------------------------------------------------

    private int check(Path dir) {
        RuleSet rules = load(dir);
        if (rules == null) {
            return FAILED;
        }
        out.println(dir + ": OK — " + rules);
        Map<String, Integer> perSlot = new LinkedHashMap<>();
        rules.campaigns().forEach(c -> perSlot.merge(c.slot(), 1, Integer::sum));
        if (!perSlot.isEmpty()) {
            StringBuilder sb = new StringBuilder("  slots:");
            perSlot.forEach((slot, n) -> sb.append(' ').append(slot).append(" (").append(n).append(')'));
            out.println(sb);
        }
        printWarnings(rules.warnings());
        return OK;
    }

    private RuleSet load(Path dir) {
        try {
            return RuleSetLoader.load(dir);
        } catch (RuleLoadException e) {
            for (Problem p : e.errors()) {
                err.println(p);
            }
            printWarnings(e.warnings());
            err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors") + " in " + dir);
            return null;
        }
    }

    private void printWarnings(List<Problem> warnings) {
        for (Problem w : warnings) {
            err.println("warning: " + w);
        }
    }

    // ---- eval ----------------------------------------------------------------------------------

    private int eval(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = reader.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            Problems problems = new Problems();
            Node node = SourceReader.readJson("stdin", line, problems);
            String error = problems.hasErrors() ? jsonError(problems.errors().get(0), n) : checkInput(node, n);
            if (error != null) {
                out.flush();
                err.println(error);
                return FAILED;
            }
            Node.MapNode input = (Node.MapNode) node;
            Map<String, ValueSet> lists = new LinkedHashMap<>();
            if (input.get("lists") instanceof Node.MapNode m) {
                m.entries().forEach((name, e) -> lists.put(name, ValueSet.of((List<?>) e.value().toPlain())));
            }
            Object document = input.has("document") ? input.get("document").toPlain() : Map.of();
            boolean result = ConditionCompiler.lenient(lists).compile(input.get("condition")).test(document);
            out.println(result);
            if (in.available() == 0) {
                out.flush(); // answer at once when used interactively; batch when piped
            }
        }
        out.flush();
        return OK;
    }

    /** "stdin:LINE:COLUMN: message": the parser saw one line, so its line is always 1. */
    private static String jsonError(Problem p, int line) {
        return "stdin:" + line + (p.loc().column() > 0 ? ":" + p.loc().column() : "") + ": " + p.message();
    }

    private static String checkInput(Node node, int line) {
        String at = "stdin:" + line + ": ";
        if (!(node instanceof Node.MapNode m)) {
            return at + "expected a JSON object {\"condition\": …, \"document\": …}";
        }
        if (!m.has("condition")) {
            return at + "missing field \"condition\"";
        }
        if (m.has("lists")) {
            if (!(m.get("lists") instanceof Node.MapNode lists)) {
                return at + "field \"lists\" must be an object of arrays";
            }
            for (Node.Entry e : lists.entries().values()) {
                if (!(e.value() instanceof Node.ListNode)) {
                    return at + "field \"lists." + e.key() + "\" must be an array";
                }
            }
        }
        return null;
    }

    // ---- test ----------------------------------------------------------------------------------

    private int test(Path dir) throws IOException {
        RuleSet rules = load(dir);
        if (rules == null) {
            return FAILED;
        }
        List<Path> files = RuleSetLoader.fixtureFiles(dir);
        if (files.isEmpty()) {
            err.println(dir + ": no fixtures (*.test.yaml) found");
            return FAILED;
        }
        FixtureRunner runner = new FixtureRunner(rules);
        int tests = 0;
        int failed = 0;
        int broken = 0;
        for (Path file : files) {
            Problems problems = new Problems();
            List<Fixture> fixtures = new FixtureReader(problems, rules.zone())
                    .read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            out.println(file);
            for (Problem p : problems.errors()) {
                out.println("  ERROR " + p);
                broken++;
            }
            for (Fixture f : fixtures) {
                tests++;
                List<Problem> mismatches = runner.run(f);
                if (mismatches.isEmpty()) {
                    out.println("  ok    " + f.name());
                } else {
                    failed++;
                    out.println("  FAIL  " + f.name());
                    for (Problem m : mismatches) {
                        out.println("        " + m);
                    }
                }
            }
        }
        out.println(tests + " tests: " + (tests - failed) + " passed, " + failed + " failed"
                + (broken > 0 ? ", " + broken + " fixture errors" : ""));
        return failed == 0 && broken == 0 ? OK : FAILED;
    }
}
