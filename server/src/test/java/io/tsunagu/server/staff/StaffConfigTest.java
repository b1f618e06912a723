package io.tsunagu.server.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.server.config.ConfigException;
import io.tsunagu.server.config.ConfigLoader;
import io.tsunagu.server.config.StaffSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** staff.* settings: defaults, file, environment; every bad account named by file:line:column. */
class StaffConfigTest {

    static final String HASH = PasswordHash.create("a-long-staff-password".toCharArray(), PasswordHash.MIN_ITERATIONS).encode();

    @Test
    void defaults_withoutAccounts() throws Exception {
        StaffSettings s = ConfigLoader.load(null, Map.of("TSUNAGU_RULES_DIR", ".")).staff();
        assertTrue(s.accounts().isEmpty());
        assertEquals(Duration.ofMinutes(30), s.sessionIdle());
        assertEquals(Duration.ofHours(12), s.sessionMax());
        assertEquals(5, s.maxFailuresPerUser());
        assertFalse(s.trustProxy());
        assertTrue(s.attributes().contains("member_rank"));
    }

    @Test
    void accountsAndSettings_fromTheFile_settingsFromTheEnvironmentWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tsunagu.yaml");
        Files.writeString(file, """
                rules_dir: %s
                staff:
                  users:
                    - { user: hanako, password_hash: "%s", store: shibuya }
                    - user: taro
                      password_hash: "%s"
                      store: ginza
                      role: manager
                      restrict_to_store: true
                  session_idle: 10m
                  attributes: [first_name, member_rank]
                """.formatted(dir, HASH, HASH));
        StaffSettings s = ConfigLoader.load(file, Map.of("TSUNAGU_STAFF_SESSION_IDLE", "5m",
                "TSUNAGU_STAFF_TRUST_PROXY", "true")).staff();
        assertEquals(2, s.accounts().size());
        assertEquals("staff", s.account("hanako").role());
        assertFalse(s.account("hanako").restrictToStore());
        assertEquals("manager", s.account("taro").role());
        assertTrue(s.account("taro").restrictToStore());
        assertTrue(s.account("taro").password().matches("a-long-staff-password".toCharArray()));
        assertEquals(Duration.ofMinutes(5), s.sessionIdle());
        assertTrue(s.trustProxy());
        assertEquals(List.of("first_name", "member_rank"), s.attributes());
    }

    @Test
    void everyBadAccount_isReported_withItsPlace_andNoHashIsEchoed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tsunagu.yaml");
        Files.writeString(file, """
                rules_dir: %s
                staff:
                  users:
                    - { user: hanako, password_hash: "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=", store: shibuya }
                    - { user: "bad name", password_hash: "%s", store: ginza }
                    - { user: taro, password_hash: hunter2, store: ginza, rol: manager }
                    - { user: ken, password_hash: "%s" }
                    - { user: yui, password_hash: "%s", store: umeda, restrict_to_store: "yes" }
                    - { user: yui, password_hash: "%s", store: umeda }
                  session_idle: forever
                  trust_proxy: maybe
                """.formatted(dir, HASH, HASH, HASH, HASH));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        List<String> p = e.problems();
        String f = file.toString();
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + ":4:7: staff.users[0].password_hash: the iteration count must be")),
                p.toString());
        assertTrue(p.contains(f + ":5:7: staff.users[1].user: letters, digits and . _ @ - (at most 64), found \"bad name\""),
                p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + ":6:7: staff.users[2].password_hash: not a password hash")),
                p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("staff.users[2]: unknown key \"rol\" (did you mean \"role\"?)")),
                p.toString());
        assertTrue(p.contains(f + ":7:7: staff.users[3]: store is missing"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + ":8:7: staff.users[4].restrict_to_store: must be true or false")),
                p.toString());
        assertTrue(p.contains(f + ":9:7: staff.users[5].user: \"yui\" is listed twice"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("staff.session_idle: must be a duration")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("staff.trust_proxy: must be true or false")), p.toString());
        assertTrue(p.stream().noneMatch(s -> s.contains("hunter2") || s.contains("c2FsdHNhbHRz")), "hashes are not echoed: " + p);
        assertEquals(9, p.size(), p.toString());
    }
}
