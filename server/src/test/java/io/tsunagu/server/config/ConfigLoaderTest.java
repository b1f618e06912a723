package io.tsunagu.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings: defaults, file, environment; every bad value stops start-up with a message naming it. */
class ConfigLoaderTest {

    @Test
    void defaults_thenFile_thenEnvironment(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectory(dir.resolve("rules"));
        Path file = dir.resolve("tsunagu.yaml");
        Files.writeString(file, """
                port: 9090
                rules_dir: %s
                redis:
                  url: redis://10.0.0.5:6379
                  timeout: 30ms
                cors:
                  allowed_origins: [https://shop.example.com]
                body_limit: 128kb
                """.formatted(rules));
        ServerConfig c = ConfigLoader.load(file, Map.of("TSUNAGU_PORT", "9191", "TSUNAGU_SITE_SECRET", "0123456789abcdef0123"));
        assertEquals(9191, c.port(), "the environment wins");
        assertEquals("redis://10.0.0.5:6379", c.redisUrl());
        assertEquals(Duration.ofMillis(30), c.redisTimeout());
        assertEquals(List.of("https://shop.example.com"), c.allowedOrigins());
        assertEquals(128 * 1024, c.bodyLimit());
        assertEquals("0123456789abcdef0123", c.siteSecret());
        assertNull(c.adminToken());
        assertEquals(Path.of("data"), c.dataDir());
        assertTrue(c.toString().contains("site secret set") && !c.toString().contains("0123456789abcdef"),
                "secrets never printed: " + c);
    }

    @Test
    void everyBadSetting_isReportedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tsunagu.yaml");
        Files.writeString(file, "prot: 80\nredis:\n  url: localhost:6379\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(
                "TSUNAGU_PORT", "eighty",
                "TSUNAGU_RULES_DIR", dir.resolve("missing").toString(),
                "TSUNAGU_ADMIN_TOKEN", "short",
                "TSUNAGU_CORS_ORIGINS", "https://ok.example.com, shop.example.com/path",
                "TSUNAGU_BODY_LIMIT", "1gb",
                "TSUNAGU_CACHE_TTL", "forever")));
        List<String> p = e.problems();
        assertEquals(file + ":1:1: unknown setting \"prot\" (did you mean \"port\"?)", p.get(0));
        assertTrue(p.contains("TSUNAGU_PORT: must be a whole number from 0 to 65535, found \"eighty\""), p.toString());
        assertTrue(p.contains("TSUNAGU_RULES_DIR: no such directory: " + dir.resolve("missing").toAbsolutePath()), p.toString());
        assertTrue(p.contains(file + ":3:3: redis.url: must look like redis://host:6379, found \"localhost:6379\""), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("TSUNAGU_ADMIN_TOKEN: must be at least 16 characters")), p.toString());
        assertTrue(p.stream().noneMatch(s -> s.contains("short")), "the bad secret is not echoed");
        assertTrue(p.contains("TSUNAGU_CORS_ORIGINS: \"shop.example.com/path\" is not an origin; write https://shop.example.com "
                + "(scheme, host, optional port; no path) or *"), p.toString());
        assertTrue(p.contains("TSUNAGU_BODY_LIMIT: must be a size from 1kb to 10mb (e.g. 64kb), found \"1gb\""), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("TSUNAGU_CACHE_TTL: must be a duration")), p.toString());
        assertEquals(8, p.size(), p.toString());
    }
}
