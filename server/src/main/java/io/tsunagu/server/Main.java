package io.tsunagu.server;

import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.server.config.ConfigException;
import io.tsunagu.server.config.ConfigLoader;
import io.tsunagu.server.config.ServerConfig;
import io.tsunagu.server.profile.Identity;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** {@code tsunagu server [--config FILE]} and {@code tsunagu demo}. */
public final class Main {

    private static final String USAGE = """
            usage: tsunagu server [--config FILE]   run the decision server
                   tsunagu demo                     run it with the example rules and demo members

            Settings come from the YAML file and TSUNAGU_* environment variables (see README).""";

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.println(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        int code = switch (args[0]) {
            case "server" -> server(args);
            case "demo" -> demo();
            default -> {
                System.err.println("tsunagu: unknown command \"" + args[0] + "\"\n" + USAGE);
                yield 2;
            }
        };
        if (code != 0) {
            System.exit(code);
        }
    }

    private static int server(String[] args) {
        Path file = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("tsunagu server: unknown argument \"" + args[i] + "\"\n" + USAGE);
                return 2;
            }
        }
        ServerConfig config;
        try {
            config = ConfigLoader.load(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println("tsunagu server: cannot start, the configuration has problems:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        return run(config) == null ? 1 : 0;
    }

    /** Starts the server and stops it with the JVM; null (after printing why) if it could not start. */
    private static TsunaguServer run(ServerConfig config) {
        try {
            TsunaguServer server = TsunaguServer.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "tsunagu-shutdown"));
            return server;
        } catch (RuleLoadException e) {
            System.err.println("tsunagu: cannot start, the rules in " + config.rulesDir() + " do not load:");
            for (Problem p : e.errors()) {
                System.err.println("  " + p);
            }
        } catch (IOException e) {
            System.err.println("tsunagu: cannot start: " + e.getMessage());
        } catch (Exception e) {
            System.err.println("tsunagu: cannot start: " + e);
        }
        return null;
    }

    private static int demo() {
        Path home = Path.of(System.getenv().getOrDefault("TSUNAGU_HOME", "."));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("TSUNAGU_RULES_DIR", home.resolve("examples/rules").toString());
        env.putIfAbsent("TSUNAGU_DATA_DIR", home.resolve("data").toString());
        String secret = env.computeIfAbsent("TSUNAGU_SITE_SECRET", k -> random());
        String token = env.computeIfAbsent("TSUNAGU_ADMIN_TOKEN", k -> random());
        env.putIfAbsent("TSUNAGU_CORS_ORIGINS", "*");
        env.putIfAbsent("TSUNAGU_DEMO_SHOP", "true");
        ServerConfig config;
        try {
            config = ConfigLoader.load(null, env);
        } catch (ConfigException e) {
            System.err.println("tsunagu demo: the configuration has problems:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        String staffPassword = random().substring(0, 16);
        config = config.withStaff(DemoData.withStaffAccount(config.staff(), staffPassword));
        TsunaguServer server = run(config);
        if (server == null) {
            return 1;
        }
        long now = System.currentTimeMillis();
        try {
            // The imported catalog, if any, names the products the demo members looked at on the web.
            for (int i = 0; i < 30 && server.catalog().current().size() == 0; i++) {
                Thread.sleep(100);
            }
            TsunaguServer.await(DemoData.seed(server.store(), server.rules().current().policy(), server.catalog().current(),
                    now), 10);
        } catch (Exception e) {
            System.err.println("tsunagu demo: cannot write the demo members: " + e.getMessage());
            server.stop();
            return 1;
        }
        printWelcome(server.port(), config, new Identity(secret), token, staffPassword, now);
        return 0;
    }

    private static void printWelcome(int port, ServerConfig config, Identity identity, String token, String staffPassword,
            long now) {
        String base = "http://localhost:" + port;
        StringBuilder sb = new StringBuilder();
        sb.append("\nTsunagu demo is running at ").append(base).append('\n');
        if (config.demoShop()) {
            sb.append("  demo shop:   ").append(base).append("/demo/  (log in as a demo member to see the loop)\n");
        }
        sb.append("  rules:       ").append(config.rulesDir()).append("  (edit them: changes are live within 2 s)\n");
        sb.append("  data:        ").append(config.dataDir()).append("  (a private Redis, append-only file on)\n");
        sb.append("  admin token: ").append(token).append('\n');
        sb.append("  staff page:  ").append(base).append("/staff/  (user ").append(DemoData.STAFF_USER)
                .append(", password ").append(staffPassword).append("; look up M-1002)\n\n");
        sb.append("Demo members (their member ids are signed with this run's site secret):\n");
        for (DemoData.Member m : DemoData.members(now)) {
            sb.append("  ").append(m.uid()).append("  ").append(m.name()).append(": ").append(m.story())
                    .append("\n      uid_sig ").append(identity.sign(m.uid())).append('\n');
        }
        DemoData.Member aiko = DemoData.members(now).get(0);
        sb.append("\nTry:\n");
        sb.append("  # an anonymous visitor\n");
        sb.append("  curl -s ").append(base).append("/v1/decide -H 'Content-Type: application/json' -d '{\"vid\":\"v-demo-1\",\"page\":{\"type\":\"home\"},")
                .append("\"slots\":[\"hero\",\"banner\",\"recommendations\"]}'\n");
        sb.append("  # ").append(aiko.name()).append(", signed in: the Shibuya coupon\n");
        sb.append("  curl -s ").append(base).append("/v1/decide -H 'Content-Type: application/json' -d '{\"vid\":\"v-demo-2\",\"uid\":\"").append(aiko.uid())
                .append("\",\"uid_sig\":\"").append(identity.sign(aiko.uid()))
                .append("\",\"page\":{\"type\":\"product\",\"brand\":\"kumo\"},\"slots\":[\"hero\",\"banner\",\"recommendations\"]}'\n");
        sb.append("  # why does she get it?\n");
        sb.append("  curl -s ").append(base).append("/admin/v1/explain -H 'Authorization: Bearer ").append(token)
                .append("' -H 'Content-Type: application/json' -d '{\"uid\":\"").append(aiko.uid()).append("\",\"page\":{\"type\":\"home\"}}'\n");
        sb.append("\nPress Ctrl-C to stop.\n");
        System.out.println(sb);
    }

    private static String random() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
