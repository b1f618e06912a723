package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.profile.Profile;
import io.tsunagu.server.testing.Http;
import io.tsunagu.server.testing.ServerHarness;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A loader killed (SIGKILL) in the middle of a file, then run again: every profile ends exactly as
 * after one clean import — nothing lost, nothing counted twice.
 */
class LoaderKillIT {

    static final int ROWS = 120_000;

    static long dbsize(Redis redis) {
        return LoaderImportTest.awaitUnchecked(redis.send(Request.cmd(Command.DBSIZE))).toLong();
    }

    @Test
    void killedMidFile_thenRunAgain_countsEveryRowOnce() throws Exception {
        Path dir = TestRedis.tempDir("tsunagu-kill");
        Files.writeString(dir.resolve("feeds.yaml"), LoaderImportTest.FEEDS);
        Path file = dir.resolve("pos_big.csv");
        Files.write(file, scattered(ROWS).getBytes(LoaderImportTest.CP932));
        String rules = ServerHarness.repoRoot().resolve("examples/rules").toString();
        String killed = TestRedis.prefix();
        String clean = TestRedis.prefix();

        Vertx vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, TestRedis.shared().url());
        try {
            // Its own temporary directory: the rows beyond the memory budget wait there in member order.
            Path temp = Files.createDirectories(dir.resolve("tmp"));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + temp, LoaderCli.class.getName(), "import", "pos", file.toString(),
                    "--feeds", dir.resolve("feeds.yaml").toString(), "--prefix", killed, "--rules", rules)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("loader.out").toFile());
            pb.environment().put("TSUNAGU_REDIS_URL", TestRedis.shared().url());
            Process p = pb.start();
            // Kill it once the first batches are in (new keys appear: cheap to poll).
            long keysBefore = dbsize(redis);
            Http.within(60_000, "the loader writing events", () -> dbsize(redis) - keysBefore >= 300 || !p.isAlive());
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            try (var left = Files.list(temp)) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("tsunagu-import-")).toList(),
                        "the killed import's temporary files are gone with it");
            }
            long before = count(redis, killed);
            assertTrue(before > 0 && before < ROWS, "killed mid-file (" + before + " events stored)");
            Response runs = LoaderImportTest.await(redis.send(Request.cmd(Command.HVALS).arg(killed + ":import-runs")));
            assertEquals(ImportRun.RUNNING, ((Map<?, ?>) EventCodec.decodeValue(runs.get(0).toString())).get("status"),
                    "the history shows the run that never finished");

            assertEquals(0, cli(dir, killed, rules, "import", "pos", file.toString()), "run again");
            assertEquals(0, cli(dir, clean, rules, "import", "pos", file.toString()), "a clean import elsewhere");
            assertEquals(ROWS, count(redis, killed));

            RedisProfileStore a = new RedisProfileStore(redis, new ProfileKeys(killed));
            RedisProfileStore b = new RedisProfileStore(redis, new ProfileKeys(clean));
            for (int m = 0; m < 500; m++) {
                Profile x = LoaderImportTest.await(a.load("M-" + m));
                Profile y = LoaderImportTest.await(b.load("M-" + m));
                assertEquals(LoaderImportTest.describe(y.events("purchase")), LoaderImportTest.describe(x.events("purchase")));
                assertEquals(total(y), total(x), "M-" + m + ": spend and count aggregates");
            }
        } finally {
            redis.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Spend and number of purchases: the kept purchases plus the trimmed ones the aggregates hold. */
    static List<Double> total(Profile p) {
        return List.of(LoaderImportTest.spend(p), LoaderImportTest.purchases(p));
    }

    /** Event ids stored under a prefix (each profile's id set, summed). */
    static long count(Redis redis, String prefix) {
        try {
            Response keys = LoaderImportTest.await(redis.send(Request.cmd(Command.KEYS).arg(prefix + ":{*}:i")));
            long n = 0;
            for (int i = 0; i < keys.size(); i++) {
                n += LoaderImportTest.await(redis.send(Request.cmd(Command.ZCARD).arg(keys.get(i).toString()))).toLong();
            }
            return n;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int cli(Path dir, String prefix, String rules, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--feeds", dir.resolve("feeds.yaml").toString(), "--prefix", prefix, "--rules", rules));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        return new LoaderCli(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(o, true, StandardCharsets.UTF_8),
                Map.of("TSUNAGU_REDIS_URL", TestRedis.shared().url())).run(all.toArray(String[]::new));
    }

    /** POS lines of 500 members in time order, members scattered. */
    static String scattered(int lines) {
        StringBuilder sb = new StringBuilder("receipt_no,line_no,member_id,purchased_at,store_code,item_code,brand,amount\r\n");
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < lines; i++) {
            sb.append("R").append(i / 2).append(',').append(i % 2 + 1).append(",M-").append(r.nextInt(500))
                    .append(",2026/10/").append(10 + i * 20 / lines).append(" 12:00:00,渋谷店,P-").append(i % 300)
                    .append(",花鳥風月,").append(1000 + i % 50).append("\r\n");
        }
        return sb.toString();
    }
}
