package io.tsunagu.server.testing;

import io.tsunagu.server.TsunaguServer;
import io.tsunagu.server.config.ConfigLoader;
import io.tsunagu.server.config.ServerConfig;
import io.tsunagu.server.profile.Identity;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.testing.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real server for tests: real HTTP on a free loopback port, a real Redis (the shared test Redis with
 * a fresh key prefix, or one the test gives), a copy of the example rules the test may edit.
 */
public final class ServerHarness implements AutoCloseable {

    public static final String SECRET = "test-site-secret-0123456789";
    public static final String ADMIN = "test-admin-token-0123456789";

    public final TsunaguServer server;
    public final Path rules;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Identity identity = new Identity(SECRET);

    private ServerHarness(TsunaguServer server, Path rules) {
        this.server = server;
        this.rules = rules;
    }

    /** A server on the shared test Redis with its own key prefix and its own copy of the example rules. */
    public static ServerHarness start() {
        return start(TestRedis.shared().url(), TestRedis.prefix(), copyOfExampleRules(), Map.of());
    }

    public static ServerHarness start(String redisUrl, String prefix, Path rules, Map<String, String> extraEnv) {
        return start(redisUrl, prefix, rules, extraEnv, null);
    }

    /** As {@link #start()}, with settings from a configuration file too (staff accounts live only there). */
    public static ServerHarness startWithConfig(String yaml, Map<String, String> extraEnv) {
        Path file = TestRedis.tempDir("tsunagu-config").resolve("tsunagu.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(TestRedis.shared().url(), TestRedis.prefix(), copyOfExampleRules(), extraEnv, file);
    }

    public static ServerHarness start(String redisUrl, String prefix, Path rules, Map<String, String> extraEnv,
            Path configFile) {
        Map<String, String> env = new HashMap<>();
        env.put("TSUNAGU_PORT", "0");
        env.put("TSUNAGU_HOST", "127.0.0.1");
        env.put("TSUNAGU_REDIS_URL", redisUrl);
        env.put("TSUNAGU_REDIS_KEY_PREFIX", prefix);
        env.put("TSUNAGU_RULES_DIR", rules.toString());
        env.put("TSUNAGU_DATA_DIR", TestRedis.tempDir("tsunagu-data").toString());
        env.put("TSUNAGU_SITE_SECRET", SECRET);
        env.put("TSUNAGU_ADMIN_TOKEN", ADMIN);
        env.put("TSUNAGU_EVENT_LOOPS", "2");
        env.putAll(extraEnv);
        try {
            ServerConfig config = ConfigLoader.load(configFile, env);
            return new ServerHarness(TsunaguServer.start(config), rules);
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start: " + e.getMessage(), e);
        }
    }

    public static Path copyOfExampleRules() {
        Path src = repoRoot().resolve("examples/rules");
        Path dir = TestRedis.tempDir("tsunagu-rules");
        try (Stream<Path> files = Files.list(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, dir.resolve(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples/rules"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no examples/rules above " + Path.of("").toAbsolutePath());
    }

    /**
     * Writes products into the catalog (id, brand, category, launched_at…) and waits until this
     * server has loaded them, as after a catalog import.
     */
    public void seedCatalog(List<Map<String, Object>> products) {
        RedisProfileStore store = server.store();
        Request set = Request.cmd(Command.HSET).arg(store.keys().catalog());
        for (Map<String, Object> p : products) {
            set.arg((String) p.get("id")).arg(EventCodec.encodeValue(p));
        }
        try {
            store.batch(List.of(set)).compose(x -> store.publishChanges("test", List.of(ProfileKeys.CATALOG_CHANGED)))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed the catalog: " + e.getMessage(), e);
        }
        Http.within(5_000, "the catalog loaded", () -> server.catalog().current().size() >= products.size());
    }

    public String sign(String uid) {
        return identity.sign(uid);
    }

    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, "application/json", null);
    }

    public HttpResponse<String> post(String path, String body, String contentType, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    public HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer to {@link #raw}: the status, the headers (names in lower case) and the body. */
    public record RawResponse(int status, Map<String, String> headers, String body) {
    }

    /**
     * Sends {@code target} exactly as given, on a socket of its own: for request targets that an HTTP
     * client would refuse or normalize ({@code %ZZ}, {@code /./}, {@code //}).
     */
    public RawResponse raw(String method, String target, String... headerLines) {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(server.port()).append("\r\nConnection: close\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
