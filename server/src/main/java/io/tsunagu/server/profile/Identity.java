package io.tsunagu.server.profile;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Member ids from browsers are trusted only when signed: {@code uid_sig} must be the hex
 * HMAC-SHA256 of the uid under the site secret, which only the site's backend knows. Without a
 * configured secret no member id is trusted.
 */
public final class Identity {

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /** @param secret the site secret, or null */
    public Identity(String secret) {
        this.key = secret == null ? null : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public boolean canVerify() {
        return key != null;
    }

    /** The signature a site's backend puts next to a member id. */
    public String sign(String uid) {
        if (key == null) {
            throw new IllegalStateException("no site secret configured");
        }
        return HexFormat.of().formatHex(macs.get().doFinal(uid.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code sig} is the signature of {@code uid}; compared in constant time. */
    public boolean verify(String uid, String sig) {
        if (key == null || uid == null || sig == null || sig.length() != 64) {
            return false;
        }
        byte[] expected = sign(uid).getBytes(StandardCharsets.US_ASCII);
        byte[] given = sig.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
