package io.tsunagu.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Files the server ships under {@code web/} on its classpath — the browser tag and the demo shop — read
 * once and kept in memory with a gzip copy and an ETag. A browser that has the file gets a 304; one
 * that accepts gzip gets the smaller copy (the API itself is not compressed: its bodies are tiny).
 */
final class WebAssets {

    /** A file ready to send. */
    record Asset(Buffer plain, Buffer gzip, String etag, String type) {
    }

    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8",
            "svg", "image/svg+xml",
            "json", "application/json");

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /**
     * The file at {@code web/PATH}, or empty if there is none (or the path could leave {@code web/}).
     * Only files that exist are kept: paths come from requests, and remembering every miss would let
     * anyone grow the map.
     */
    Optional<Asset> get(String path) {
        if (!path.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z]+")) {
            return Optional.empty();
        }
        Optional<Asset> found = cache.get(path);
        if (found == null) {
            found = load(path);
            if (found.isPresent()) {
                cache.put(path, found);
            }
        }
        return found;
    }

    /** Sends the file, or a JSON 404 if there is none. */
    void serve(RoutingContext ctx, String path, String cacheControl) {
        Optional<Asset> found = get(path);
        if (found.isEmpty()) {
            ApiVerticle.fail(ctx, 404, "not_found", "no such file: " + ctx.request().path());
            return;
        }
        Asset a = found.get();
        var response = ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, cacheControl).putHeader(HttpHeaders.ETAG, a.etag())
                .putHeader(HttpHeaders.VARY, "Accept-Encoding").putHeader("X-Content-Type-Options", "nosniff");
        if (a.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, a.type());
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
        if (accept != null && accept.contains("gzip") && a.gzip().length() < a.plain().length()) {
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(a.gzip());
        } else {
            response.end(a.plain());
        }
    }

    private static Optional<Asset> load(String path) {
        try (InputStream in = WebAssets.class.getClassLoader().getResourceAsStream("web/" + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            ByteArrayOutputStream zipped = new ByteArrayOutputStream(bytes.length / 2 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                gz.write(bytes);
            }
            String ext = path.substring(path.lastIndexOf('.') + 1);
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
            return Optional.of(new Asset(Buffer.buffer(bytes), Buffer.buffer(zipped.toByteArray()), etag,
                    TYPES.getOrDefault(ext, "application/octet-stream")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read web/" + path + " from the classpath", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
