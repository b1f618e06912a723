package io.tsunagu.server.config;

import io.tsunagu.rules.source.Durations;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import io.tsunagu.rules.source.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server's settings: defaults, then a YAML file, then {@code TSUNAGU_*} environment
 * variables. Every setting is checked before anything starts; all problems are reported together,
 * each naming where the bad value came from.
 *
 * <pre>
 * setting                 variable                    default
 * host                    TSUNAGU_HOST                0.0.0.0
 * port                    TSUNAGU_PORT                8080
 * rules_dir               TSUNAGU_RULES_DIR           rules
 * data_dir                TSUNAGU_DATA_DIR            data
 * redis.url               TSUNAGU_REDIS_URL           (none: a private Redis under data_dir/redis)
 * redis.key_prefix        TSUNAGU_REDIS_KEY_PREFIX    ts
 * redis.timeout           TSUNAGU_REDIS_TIMEOUT       50ms
 * site_secret             TSUNAGU_SITE_SECRET         (none: member ids are never trusted)
 * admin_token             TSUNAGU_ADMIN_TOKEN         (none: the admin API is off)
 * cors.allowed_origins    TSUNAGU_CORS_ORIGINS        (none) — comma-separated in the variable
 * body_limit              TSUNAGU_BODY_LIMIT          64kb
 * cache.max_profiles      TSUNAGU_CACHE_MAX_PROFILES  100000
 * cache.ttl               TSUNAGU_CACHE_TTL           10m
 * write_buffer.max_events TSUNAGU_WRITE_BUFFER_MAX    100000
 * event_loops             TSUNAGU_EVENT_LOOPS         number of cores
 * demo_shop               TSUNAGU_DEMO_SHOP           false — the demo shop under /demo/ (signs any member id)
 * staff.users             (file only)                 (none: nobody can sign in to /staff/)
 * staff.session_idle      TSUNAGU_STAFF_SESSION_IDLE  30m
 * staff.session_max       TSUNAGU_STAFF_SESSION_MAX   12h
 * staff.login_window      TSUNAGU_STAFF_LOGIN_WINDOW  15m
 * staff.max_failures_per_user  TSUNAGU_STAFF_MAX_FAILURES_PER_USER  5
 * staff.max_failures_per_ip    TSUNAGU_STAFF_MAX_FAILURES_PER_IP    50
 * staff.trust_proxy       TSUNAGU_STAFF_TRUST_PROXY   false
 * staff.attributes        TSUNAGU_STAFF_ATTRIBUTES    first_name, last_name, name, member_rank, home_store, …
 * staff.recent_views      TSUNAGU_STAFF_RECENT_VIEWS  12
 * staff.audit_max         TSUNAGU_STAFF_AUDIT_MAX     200000
 * </pre>
 */
public final class ConfigLoader {

    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("host", "TSUNAGU_HOST");
        SETTINGS.put("port", "TSUNAGU_PORT");
        SETTINGS.put("rules_dir", "TSUNAGU_RULES_DIR");
        SETTINGS.put("data_dir", "TSUNAGU_DATA_DIR");
        SETTINGS.put("redis.url", "TSUNAGU_REDIS_URL");
        SETTINGS.put("redis.key_prefix", "TSUNAGU_REDIS_KEY_PREFIX");
        SETTINGS.put("redis.timeout", "TSUNAGU_REDIS_TIMEOUT");
        SETTINGS.put("site_secret", "TSUNAGU_SITE_SECRET");
        SETTINGS.put("admin_token", "TSUNAGU_ADMIN_TOKEN");
        SETTINGS.put("cors.allowed_origins", "TSUNAGU_CORS_ORIGINS");
        SETTINGS.put("body_limit", "TSUNAGU_BODY_LIMIT");
        SETTINGS.put("cache.max_profiles", "TSUNAGU_CACHE_MAX_PROFILES");
        SETTINGS.put("cache.ttl", "TSUNAGU_CACHE_TTL");
        SETTINGS.put("write_buffer.max_events", "TSUNAGU_WRITE_BUFFER_MAX");
        SETTINGS.put("event_loops", "TSUNAGU_EVENT_LOOPS");
        SETTINGS.put("demo_shop", "TSUNAGU_DEMO_SHOP");
        SETTINGS.put("staff.users", null); // a list of accounts: in the file only
        SETTINGS.put("staff.session_idle", "TSUNAGU_STAFF_SESSION_IDLE");
        SETTINGS.put("staff.session_max", "TSUNAGU_STAFF_SESSION_MAX");
        SETTINGS.put("staff.login_window", "TSUNAGU_STAFF_LOGIN_WINDOW");
        SETTINGS.put("staff.max_failures_per_user", "TSUNAGU_STAFF_MAX_FAILURES_PER_USER");
        SETTINGS.put("staff.max_failures_per_ip", "TSUNAGU_STAFF_MAX_FAILURES_PER_IP");
        SETTINGS.put("staff.trust_proxy", "TSUNAGU_STAFF_TRUST_PROXY");
        SETTINGS.put("staff.attributes", "TSUNAGU_STAFF_ATTRIBUTES");
        SETTINGS.put("staff.recent_views", "TSUNAGU_STAFF_RECENT_VIEWS");
        SETTINGS.put("staff.audit_max", "TSUNAGU_STAFF_AUDIT_MAX");
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*(b|kb|mb)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?");

    /** A value and where it came from, for messages. */
    private record Value(Object value, String source) {
    }

    private final Map<String, Value> values = new LinkedHashMap<>();
    /** Values read from the file as written, for settings whose parts need their own locations. */
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /** The settings from {@code file} (may be null) and {@code env}. */
    public static ServerConfig load(Path file, Map<String, String> env) throws ConfigException {
        ConfigLoader l = new ConfigLoader();
        if (file != null) {
            l.readFile(file);
        }
        l.readEnv(env);
        ServerConfig c = l.build();
        if (!l.problems.isEmpty()) {
            throw new ConfigException(l.problems);
        }
        return c;
    }

    private void readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            problems.add(file + ": cannot read the configuration file (" + e.getMessage() + ")");
            return;
        }
        Problems p = new Problems();
        Node root = SourceReader.readYaml(file.toString(), text, p);
        for (Problem problem : p.errors()) {
            problems.add(problem.toString());
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof Node.MapNode map)) {
            problems.add(file + ": the configuration must be a mapping of settings");
            return;
        }
        flatten("", map);
    }

    private void flatten(String prefix, Node.MapNode map) {
        for (Node.Entry e : map.entries().values()) {
            String name = prefix + e.key();
            if (e.value() instanceof Node.MapNode inner && !SETTINGS.containsKey(name)) {
                flatten(name + ".", inner);
            } else if (!SETTINGS.containsKey(name)) {
                problems.add(e.keyLoc() + ": unknown setting \"" + name + "\"" + Suggestions.didYouMean(name, SETTINGS.keySet()));
            } else {
                values.put(name, new Value(e.value().toPlain(), e.keyLoc() + ": " + name));
                nodes.put(name, e.value());
            }
        }
    }

    private void readEnv(Map<String, String> env) {
        SETTINGS.forEach((name, variable) -> {
            String v = variable == null ? null : env.get(variable);
            if (v != null && !v.isEmpty()) {
                values.put(name, new Value(v, variable));
            }
        });
    }

    private ServerConfig build() {
        String host = text("host", "0.0.0.0");
        int port = (int) number("port", 8080, 0, 65_535);
        Path rulesDir = Path.of(text("rules_dir", "rules"));
        if (!Files.isDirectory(rulesDir)) {
            problems.add(source("rules_dir", "rules_dir") + ": no such directory: " + rulesDir.toAbsolutePath());
        }
        Path dataDir = Path.of(text("data_dir", "data"));
        String redisUrl = text("redis.url", null);
        if (redisUrl != null && !redisUrl.matches("(redis|rediss|unix)://.+")) {
            problems.add(source("redis.url", "redis.url") + ": must look like redis://host:6379, found \"" + redisUrl + "\"");
        }
        String prefix = text("redis.key_prefix", "ts");
        if (!prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
            problems.add(source("redis.key_prefix", "redis.key_prefix") + ": letters, digits, _ . - (at most 32), found \""
                    + prefix + "\"");
        }
        Duration timeout = duration("redis.timeout", Duration.ofMillis(50), Duration.ofMillis(1), Duration.ofSeconds(10));
        String secret = secret("site_secret");
        String token = secret("admin_token");
        List<String> origins = origins();
        long bodyLimit = size("body_limit", 64 * 1024, 1024, 10 * 1024 * 1024);
        long cacheMax = number("cache.max_profiles", 100_000, 0, 100_000_000);
        // A safety net only: changes arrive as notifications, and a reconnect of the feed drops everything.
        Duration ttl = duration("cache.ttl", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1));
        int writeMax = (int) number("write_buffer.max_events", 100_000, 100, 10_000_000);
        int loops = (int) number("event_loops", Runtime.getRuntime().availableProcessors(), 1, 256);
        boolean demoShop = bool("demo_shop", false);
        return new ServerConfig(host, port, rulesDir, dataDir, redisUrl, prefix, timeout, secret, token, origins, bodyLimit,
                cacheMax, ttl, writeMax, loops, demoShop, staff());
    }

    private StaffSettings staff() {
        Duration idle = duration("staff.session_idle", Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofHours(24));
        Duration max = duration("staff.session_max", Duration.ofHours(12), Duration.ofSeconds(1), Duration.ofDays(7));
        Duration window = duration("staff.login_window", Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(1));
        int perUser = (int) number("staff.max_failures_per_user", 5, 1, 1_000);
        int perIp = (int) number("staff.max_failures_per_ip", 50, 1, 1_000_000);
        boolean trustProxy = bool("staff.trust_proxy", false);
        List<String> attributes = values.containsKey("staff.attributes") ? list("staff.attributes")
                : StaffSettings.DEFAULT_ATTRIBUTES;
        int recent = (int) number("staff.recent_views", 12, 1, 200);
        long auditMax = number("staff.audit_max", 200_000, 1_000, 100_000_000);
        Map<String, StaffSettings.Account> accounts = StaffAccounts.read(nodes.get("staff.users"),
                source("staff.users", "staff.users"), problems);
        return new StaffSettings(accounts, idle, max, window, perUser, perIp, trustProxy, attributes, recent, auditMax);
    }

    /** A list in the file, or comma-separated in the variable. */
    private List<String> list(String name) {
        Value v = values.get(name);
        if (v == null || v.value() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object o : v.value() instanceof List<?> l ? l : List.of(String.valueOf(v.value()).split(","))) {
            String s = String.valueOf(o).trim();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private String source(String name, String fallback) {
        Value v = values.get(name);
        return v == null ? fallback : v.source();
    }

    private String text(String name, String fallback) {
        Value v = values.get(name);
        if (v == null || v.value() == null) {
            return fallback;
        }
        if (v.value() instanceof Map || v.value() instanceof List) {
            problems.add(v.source() + ": must be a single value");
            return fallback;
        }
        String s = String.valueOf(v.value()).trim();
        return s.isEmpty() ? fallback : s;
    }

    private long number(String name, long fallback, long min, long max) {
        String s = text(name, null);
        if (s == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(values.get(name).source() + ": must be a whole number from " + min + " to " + max + ", found \"" + s + "\"");
        return fallback;
    }

    private boolean bool(String name, boolean fallback) {
        String s = text(name, null);
        if (s == null) {
            return fallback;
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1":
                return true;
            case "false", "no", "off", "0":
                return false;
            default:
                problems.add(values.get(name).source() + ": must be true or false, found \"" + s + "\"");
                return fallback;
        }
    }

    private Duration duration(String name, Duration fallback, Duration min, Duration max) {
        String s = text(name, null);
        if (s == null) {
            return fallback;
        }
        long ms = Durations.parse(s);
        if (ms >= min.toMillis() && ms <= max.toMillis()) {
            return Duration.ofMillis(ms);
        }
        problems.add(values.get(name).source() + ": must be a duration from " + Durations.format(min.toMillis()) + " to "
                + Durations.format(max.toMillis()) + " (e.g. 50ms, 30s, 5m), found \"" + s + "\"");
        return fallback;
    }

    private long size(String name, long fallback, long min, long max) {
        String s = text(name, null);
        if (s == null) {
            return fallback;
        }
        Matcher m = SIZE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            long bytes = n * (unit.equals("kb") ? 1024 : unit.equals("mb") ? 1024 * 1024 : 1);
            if (bytes >= min && bytes <= max) {
                return bytes;
            }
        }
        problems.add(values.get(name).source() + ": must be a size from 1kb to 10mb (e.g. 64kb), found \"" + s + "\"");
        return fallback;
    }

    /** A secret: at least 16 characters, so it cannot be guessed; never echoed in messages. */
    private String secret(String name) {
        String s = text(name, null);
        if (s != null && s.length() < 16) {
            problems.add(values.get(name).source() + ": must be at least 16 characters (it is a secret; use a long "
                    + "random value, e.g. from `openssl rand -hex 32`)");
            return null;
        }
        return s;
    }

    private List<String> origins() {
        Value v = values.get("cors.allowed_origins");
        if (v == null || v.value() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        List<?> raw = v.value() instanceof List<?> l ? l : List.of(String.valueOf(v.value()).split(","));
        for (Object o : raw) {
            String origin = String.valueOf(o).trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
                problems.add(v.source() + ": \"" + origin + "\" is not an origin; write https://shop.example.com "
                        + "(scheme, host, optional port; no path) or *");
            } else {
                out.add(origin);
            }
        }
        return out;
    }
}
