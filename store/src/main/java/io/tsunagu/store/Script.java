package io.tsunagu.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script shipped with the store, run by its SHA1 ({@code EVALSHA}) after one {@code SCRIPT LOAD}. */
enum Script {
    APPLY("apply.lua"),
    DROP("drop.lua"),
    MIGRATE("migrate.lua"),
    COUPON_CLAIM("coupon_claim.lua"),
    COUPON_ADD("coupon_add.lua");

    final String source;
    final String sha;

    Script(String resource) {
        try (InputStream in = Script.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
