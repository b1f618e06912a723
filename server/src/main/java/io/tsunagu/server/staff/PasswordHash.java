package io.tsunagu.server.staff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A staff password hash: PBKDF2 with HMAC-SHA256 (the JDK's {@code PBKDF2WithHmacSHA256}), a random
 * 16-byte salt and a 32-byte key, written as one self-describing string that holds everything needed
 * to check a password:
 * <pre>
 *   pbkdf2-sha256$600000$&lt;salt, base64&gt;$&lt;key, base64&gt;
 * </pre>
 * New hashes use {@link #DEFAULT_ITERATIONS} (OWASP's 2023 figure for PBKDF2-HMAC-SHA256); hashes
 * with fewer than {@link #MIN_ITERATIONS} are refused when the configuration is read, so a weak hash
 * pasted into the config stops the server instead of guarding a login.
 *
 * <p>Checking derives the key again (a few hundred milliseconds by design: call it off the event
 * loop) and compares in constant time.
 */
public final class PasswordHash {

    public static final String SCHEME = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 210_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] key;

    private PasswordHash(int iterations, byte[] salt, byte[] key) {
        this.iterations = iterations;
        this.salt = salt;
        this.key = key;
    }

    /** Hashes a password with a new random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be from " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, KEY_BYTES));
    }

    /**
     * Reads a stored hash.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the value)
     */
    public static PasswordHash parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing");
        }
        String[] parts = text.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("not a password hash: write what `./tsunagu staff add-user` prints ("
                    + SCHEME + "$ITERATIONS$SALT$KEY)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iteration count is not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count must be from " + MIN_ITERATIONS + " to "
                    + MAX_ITERATIONS + " (found " + iterations + "); hash the password again with `./tsunagu staff add-user`");
        }
        byte[] salt;
        byte[] key;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            key = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the salt or key is not base64");
        }
        if (salt.length < SALT_BYTES || key.length < KEY_BYTES) {
            throw new IllegalArgumentException("the salt must have at least " + SALT_BYTES + " bytes and the key "
                    + KEY_BYTES);
        }
        return new PasswordHash(iterations, salt, key);
    }

    /** Whether {@code password} is the one hashed: slow by design, constant-time comparison. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(key, derive(password, salt, iterations, key.length));
    }

    public int iterations() {
        return iterations;
    }

    /** A short fingerprint of the hash: a session made under an old password no longer counts. */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(encode().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(d, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored form. */
    public String encode() {
        return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(key);
    }

    @Override
    public String toString() {
        return SCHEME + " (" + iterations + " iterations)";
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
