package io.tsunagu.server.staff;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The staff page's files (plain HTML, CSS and JavaScript in the server's resources), read once at
 * start and served from memory with a strict Content-Security-Policy: scripts and styles only from
 * this server, no inline code, no framing.
 */
final class StaffPage {

    private static final String BASE = "/io/tsunagu/server/staff/web/";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
            + "connect-src 'self'; media-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record File(Buffer body, String type, String etag) {
    }

    private final Map<String, File> files;

    private StaffPage(Map<String, File> files) {
        this.files = files;
    }

    static StaffPage load() {
        Map<String, File> files = new LinkedHashMap<>();
        files.put("/staff/", read("index.html", "text/html; charset=utf-8"));
        files.put("/staff/staff.css", read("staff.css", "text/css; charset=utf-8"));
        files.put("/staff/staff.js", read("staff.js", "text/javascript; charset=utf-8"));
        return new StaffPage(Map.copyOf(files));
    }

    private static File read(String name, String type) {
        try (InputStream in = StaffPage.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the staff page's " + name + " is missing from the server's resources");
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
            return new File(Buffer.buffer(bytes), type, etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void mount(Router router) {
        for (String path : files.keySet()) {
            router.get(path).handler(this::serve);
        }
    }

    private void serve(RoutingContext ctx) {
        // The route matched the normalized path: the raw one may be /staff//staff.js or /staff/%73taff.js.
        File f = files.get(ctx.normalizedPath());
        if (f == null) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY").putHeader("Referrer-Policy", "no-referrer")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").putHeader(HttpHeaders.ETAG, f.etag());
        if (f.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, f.type()).end(f.body());
    }
}
