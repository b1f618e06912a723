package io.tsunagu.server.http;

import io.tsunagu.recs.Catalog;
import io.tsunagu.server.Components;
import io.tsunagu.server.DemoData;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo shop under {@code /demo/}: a single-page shop (home, category, product, login, cart pages)
 * wired with the browser tag, over the catalog in memory. Its login signs any member id with the site
 * secret — which is exactly what a real site's backend does for its own logged-in members, and why the
 * shop is on only with {@code demo_shop: true} ({@code ./tsunagu demo} sets it).
 * <pre>
 * GET  /demo/…                   the shop's page (every path: the shop routes in the browser)
 * GET  /demo/assets/FILE         its script and style; /demo/img/FILE.svg product pictures
 * GET  /demo/api/products        products, newest first (?category=…&amp;brand=…&amp;limit=N)
 * GET  /demo/api/products/{id}   one product
 * GET  /demo/api/members         the demo members and their stories
 * POST /demo/api/login           {"uid": "M-1002"} → {"uid", "uid_sig"}
 * </pre>
 */
final class DemoShop {

    private static final String NO_CACHE = "no-cache";
    private static final String UID = "[A-Za-z0-9_.:-]{1,64}";
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private final Components c;
    private final WebAssets assets;

    DemoShop(Components c, WebAssets assets) {
        this.c = c;
        this.assets = assets;
    }

    void mount(Router router, BodyHandler body) {
        router.get("/demo").handler(ctx -> {
            if (ctx.request().path().equals("/demo")) {
                ctx.redirect("/demo/");
            } else {
                ctx.next();
            }
        });
        router.get("/demo/assets/:file").handler(ctx -> assets.serve(ctx, "demo/" + ctx.pathParam("file"), NO_CACHE));
        router.get("/demo/img/:file").handler(ctx -> assets.serve(ctx, "demo/img/" + ctx.pathParam("file"),
                "public, max-age=86400"));
        router.get("/demo/api/products").handler(this::products);
        router.get("/demo/api/products/:id").handler(this::product);
        router.get("/demo/api/members").handler(this::members);
        router.post("/demo/api/login").handler(body).handler(this::login);
        router.route("/demo/api/*").handler(ctx -> ApiVerticle.fail(ctx, 404, "not_found",
                "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
        String csp = pagePolicy();
        router.get("/demo/*").handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", csp).putHeader("X-Frame-Options", "DENY")
                    .putHeader("Referrer-Policy", "strict-origin-when-cross-origin");
            assets.serve(ctx, "demo/index.html", NO_CACHE);
        });
    }

    /**
     * The page's Content-Security-Policy: scripts from this server and the tag's inline snippet (by its
     * hash), no framing. Inline styles are allowed (the tag adds its anti-flicker style, campaigns may
     * carry style attributes), and so are requests to any origin (a page may set the tag's endpoint).
     */
    static String pagePolicy() {
        WebAssets.Asset page = new WebAssets().get("demo/index.html")
                .orElseThrow(() -> new IllegalStateException("web/demo/index.html is missing from the server's resources"));
        StringBuilder scripts = new StringBuilder("'self'");
        Matcher m = INLINE_SCRIPT.matcher(page.plain().toString(StandardCharsets.UTF_8));
        while (m.find()) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
                scripts.append(" 'sha256-").append(Base64.getEncoder().encodeToString(hash)).append('\'');
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return "default-src 'self'; script-src " + scripts + "; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
                + "connect-src *; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private void products(RoutingContext ctx) {
        String category = ctx.request().getParam("category");
        String brand = ctx.request().getParam("brand");
        int limit = AdminApi.limit(ctx.request().getParam("limit"));
        Catalog catalog = c.catalog().current();
        List<Catalog.Product> candidates = category != null ? catalog.category(category)
                : brand != null ? catalog.brand(brand) : catalog.all();
        List<Object> out = new ArrayList<>();
        for (Catalog.Product p : candidates) {
            if (out.size() == limit) {
                break;
            }
            if (p.active() && (brand == null || brand.equals(p.brand()))) {
                out.add(p.fields());
            }
        }
        ApiVerticle.respond(ctx, 200, Json.write(Map.of("products", out)));
    }

    private void product(RoutingContext ctx) {
        Catalog.Product p = c.catalog().current().get(ctx.pathParam("id"));
        if (p == null) {
            ApiVerticle.fail(ctx, 404, "not_found", "no product " + ctx.pathParam("id") + " in the catalog");
            return;
        }
        ApiVerticle.respond(ctx, 200, Json.write(p.fields()));
    }

    private void members(RoutingContext ctx) {
        List<Object> out = new ArrayList<>();
        for (DemoData.Member m : DemoData.members(System.currentTimeMillis())) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("uid", m.uid());
            one.put("name", m.name());
            one.put("story", m.story());
            out.add(one);
        }
        ApiVerticle.respond(ctx, 200, Json.write(Map.of("members", out)));
    }

    private void login(RoutingContext ctx) {
        Object body = Json.parse(ctx.body().buffer());
        Object uid = body instanceof Map<?, ?> m ? m.get("uid") : null;
        if (!(uid instanceof String id) || !id.matches(UID)) {
            ApiVerticle.fail(ctx, 400, "bad_request", "send {\"uid\": \"M-1002\"}: a member id of letters, digits, "
                    + "_ . : - (at most 64)");
            return;
        }
        if (!c.profiles().identity().canVerify()) {
            ApiVerticle.fail(ctx, 409, "no_site_secret", "the demo login signs member ids: set site_secret "
                    + "(TSUNAGU_SITE_SECRET)");
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uid", id);
        out.put("uid_sig", c.profiles().identity().sign(id));
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        ApiVerticle.respond(ctx, 200, Json.write(out));
    }
}
