package io.tsunagu.server.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    static final int FAST = PasswordHash.MIN_ITERATIONS;

    @Test
    void create_thenParse_matchesOnlyThePassword() {
        PasswordHash h = PasswordHash.create("correct horse".toCharArray(), FAST);
        String stored = h.encode();
        assertTrue(stored.startsWith("pbkdf2-sha256$" + FAST + "$"), stored);
        assertEquals(4, stored.split("\\$").length);
        PasswordHash read = PasswordHash.parse(stored);
        assertTrue(read.matches("correct horse".toCharArray()));
        assertFalse(read.matches("correct horse ".toCharArray()));
        assertFalse(read.matches("Correct horse".toCharArray()));
        assertEquals(stored, read.encode());
    }

    @Test
    void create_usesAFreshSaltEachTime() {
        String a = PasswordHash.create("same password".toCharArray(), FAST).encode();
        String b = PasswordHash.create("same password".toCharArray(), FAST).encode();
        assertNotEquals(a, b);
        assertNotEquals(PasswordHash.parse(a).fingerprint(), PasswordHash.parse(b).fingerprint());
    }

    @Test
    void defaultIterations_areOwaspsFigureForSha256() {
        assertTrue(PasswordHash.DEFAULT_ITERATIONS >= 600_000);
        assertTrue(PasswordHash.MIN_ITERATIONS >= 210_000);
    }

    @Test
    void parse_refusesWeakOrMalformedHashes_withoutEchoingThem() {
        String weak = "pbkdf2-sha256$1000$" + "A".repeat(24) + "$" + "B".repeat(44);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(weak));
        assertTrue(e.getMessage().contains("iteration count must be from 210000"), e.getMessage());
        for (String bad : new String[] {"", "plaintext-password", "bcrypt$10$x$y", "pbkdf2-sha256$lots$a$b",
                "pbkdf2-sha256$600000$not base64!$xx", "pbkdf2-sha256$600000$QQ==$QQ=="}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(bad), bad);
            assertFalse(!bad.isEmpty() && x.getMessage().contains(bad), "not echoed: " + x.getMessage());
        }
    }
}
