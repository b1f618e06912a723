package io.tsunagu.rules.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.testing.ConformanceLines;
import io.tsunagu.rules.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./tsunagu rules …} commands as a user runs them: real processes, real exit codes. */
class LauncherIT {

    record Result(int code, String out, String err) {
    }

    static Result tsunagu(String stdin, String... args) throws IOException, InterruptedException {
        Path root = RepoFiles.root();
        List<String> command = new java.util.ArrayList<>();
        command.add(root.resolve("tsunagu").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("TSUNAGU_NO_BUILD", "1"); // the build that runs this test has just packaged the jar
        Path out = Files.createTempFile("tsunagu-out", ".txt");
        Path err = Files.createTempFile("tsunagu-err", ".txt");
        out.toFile().deleteOnExit();
        err.toFile().deleteOnExit();
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tsunagu " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void rulesCheck_acceptsTheExamples_andRejectsABrokenCopyWithLocations(@TempDir Path dir) throws Exception {
        Result ok = tsunagu("", "rules", "check", "examples/rules");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().startsWith("examples/rules: OK — "), ok.out());

        RepoFiles.copyOfExampleRules(dir);
        RepoFiles.edit(dir.resolve("campaigns.yaml"), "template: coupon", "template: cupon");
        Result bad = tsunagu("", "rules", "check", dir.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith(dir.resolve("campaigns.yaml") + ":15:21: unknown template \"cupon\""), bad.err());
    }

    @Test
    void rulesEval_answersAllConformanceCases() throws Exception {
        List<ConformanceLines.Line> cases = ConformanceLines.all();
        Result r = tsunagu(cases.stream().map(ConformanceLines.Line::json).collect(Collectors.joining("\n", "", "\n")),
                "rules", "eval");
        assertEquals(0, r.code(), r.err());
        List<String> answers = r.out().lines().toList();
        assertEquals(248, answers.size());
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(String.valueOf(cases.get(i).expected()), answers.get(i), cases.get(i).name());
        }
    }

    @Test
    void rulesTest_passesTheExamples_andFailsAWrongFixtureNamingTheSlot(@TempDir Path dir) throws Exception {
        Result ok = tsunagu("", "rules", "test", "examples/rules");
        assertEquals(0, ok.code(), ok.out() + ok.err());

        RepoFiles.copyOfExampleRules(dir);
        RepoFiles.edit(dir.resolve("banners.test.yaml"), "banner: vip-banner", "banner: first-purchase-welcome");
        Result bad = tsunagu("", "rules", "test", dir.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("slot banner: expected first-purchase-welcome, got vip-banner/default"), bad.out());
    }

    @Test
    void unknownCommand_exitsWithUsage() throws Exception {
        Result r = tsunagu("", "frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
    }
}
