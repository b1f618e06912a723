package io.tsunagu.server.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.server.config.ConfigLoader;
import io.tsunagu.server.config.ServerConfig;
import io.tsunagu.server.config.StaffSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tsunagu staff add-user}: the password from stdin, the entry printed or added to the config, which then loads. */
class StaffCliTest {

    static final String PASSWORD = "a-long-staff-password";

    record Run(int code, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new StaffCli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] args(Path config, String user, String... more) {
        String[] base = {"add-user", user, "--store", "shibuya", "--iterations", "210000"};
        String[] withConfig = config == null ? base : concat(base, "--config", config.toString());
        return concat(withConfig, more);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static StaffSettings load(Path dir, Path config) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        ServerConfig c = ConfigLoader.load(config, Map.of("TSUNAGU_RULES_DIR", rules.toString()));
        return c.staff();
    }

    @Test
    void addUser_printsAnEntry_whosHashMatchesThePassword() {
        Run r = run(PASSWORD + "\n", args(null, "hanako", "--role", "manager", "--restrict-to-store"));
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains(PASSWORD), "the password itself is never printed");
        String line = r.out().lines().filter(l -> l.startsWith("- {")).findFirst().orElseThrow();
        assertTrue(line.contains("user: \"hanako\"") && line.contains("store: \"shibuya\"") && line.contains("role: manager")
                && line.contains("restrict_to_store: true"), line);
        String hash = line.substring(line.indexOf("pbkdf2"), line.indexOf('"', line.indexOf("pbkdf2")));
        assertTrue(PasswordHash.parse(hash).matches(PASSWORD.toCharArray()));
    }

    @Test
    void addUser_toAConfigFile_keepsItsSettings_andTheServerReadsTheAccounts(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tsunagu.yaml");
        Files.writeString(config, "# our settings\nport: 9090\nstaff:\n  session_idle: 20m\n");
        assertEquals(0, run(PASSWORD + "\n", args(config, "hanako")).code());
        assertEquals(0, run("another-password-1\n", args(config, "taro", "--restrict-to-store")).code());
        String text = Files.readString(config);
        assertTrue(text.startsWith("# our settings\nport: 9090\n"), text);
        StaffSettings staff = load(dir, config);
        assertEquals(20, staff.sessionIdle().toMinutes(), "the other setting is still there");
        assertEquals(2, staff.accounts().size(), text);
        assertTrue(staff.account("hanako").password().matches(PASSWORD.toCharArray()));
        assertTrue(staff.account("taro").restrictToStore());
        assertEquals("staff", staff.account("taro").role());

        Run again = run(PASSWORD + "\n", args(config, "hanako"));
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already in"), again.err());
        assertEquals(text, Files.readString(config), "a refused add changes nothing");
    }

    @Test
    void addUser_createsAMissingConfigFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("new.yaml");
        assertEquals(0, run(PASSWORD + "\n", args(config, "hanako")).code());
        assertTrue(load(dir, config).account("hanako").password().matches(PASSWORD.toCharArray()));
    }

    @Test
    void addUser_refusesShortPasswords_badNames_andMissingStores() {
        Run shortPassword = run("short\n", args(null, "hanako"));
        assertEquals(1, shortPassword.code());
        assertTrue(shortPassword.err().contains("at least 10 characters"), shortPassword.err());
        assertEquals(1, run("", args(null, "hanako")).code(), "no password at all");
        Run badName = run(PASSWORD + "\n", args(null, "hana ko"));
        assertEquals(2, badName.code());
        Run noStore = run(PASSWORD + "\n", "add-user", "hanako");
        assertEquals(2, noStore.code());
        assertTrue(noStore.err().contains("--store"), noStore.err());
        assertEquals(2, run(PASSWORD + "\n", "add-user", "hanako", "--store", "x", "--password", PASSWORD).code(),
                "there is no way to give the password on the command line");
    }
}
