package io.tsunagu.loader;

import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One {@code tsunagu loader …} command run in-process against the shared test Redis, with the example rules. */
record LoaderRun(int code, String out, String err) {

    /** Runs the command with {@code --feeds FEEDS --prefix PREFIX --rules examples/rules} after its arguments. */
    static LoaderRun run(Path feeds, String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--feeds", feeds.toString(), "--prefix", prefix,
                "--rules", ServerHarness.repoRoot().resolve("examples/rules").toString()));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = new LoaderCli(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
                Map.of("TSUNAGU_REDIS_URL", TestRedis.shared().url())).run(all.toArray(String[]::new));
        return new LoaderRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }
}
