package io.tsunagu.server.http;

import io.tsunagu.rules.Decision;
import io.tsunagu.rules.ImpressionCounts;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.source.PlainJson;
import io.tsunagu.server.Components;
import io.tsunagu.server.content.ServerContent;
import io.tsunagu.server.profile.ProfileService;
import io.tsunagu.server.profile.WriteBehind;
import io.tsunagu.server.staff.StaffApi;
import io.tsunagu.store.ProfileKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API. One instance per event loop; all share the {@link Components}. Handlers never block:
 * profile reads are futures, decisions are pure computation, writes are queued.
 *
 * <p>Errors are JSON {@code {"error", "message"}} with the right status; input a client can send
 * never produces a 5xx or a stack trace.
 */
public final class ApiVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
    private static final String JSON_TYPE = "application/json";

    private final Components c;
    private HttpServer server;
    private WriteBehind writes;

    public ApiVerticle(Components components) {
        this.c = components;
    }

    @Override
    public Future<?> start() {
        writes = new WriteBehind(vertx, c.store(), () -> c.rules().current().policy(), c.origin(),
                c.config().writeBufferMax() / Math.max(1, c.config().eventLoops()), c.metrics());
        c.writers().add(writes);
        writes.start();
        Router router = Router.router(vertx);
        if (!c.config().allowedOrigins().isEmpty()) {
            CorsHandler cors = CorsHandler.create()
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                    .allowedHeaders(Set.of("Content-Type", "Authorization"));
            if (c.config().allowedOrigins().contains("*")) {
                cors.addOrigin("*");
            } else {
                cors.addOrigins(c.config().allowedOrigins());
            }
            router.route().handler(cors);
        }
        BodyHandler body = BodyHandler.create(false).setBodyLimit(c.config().bodyLimit());
        // Checked on routes of their own, before any body handler: Vert.x would decode a form body itself.
        router.post("/v1/*").handler(this::requireJsonOrText);
        router.post("/admin/*").handler(this::requireJsonOrText);
        router.post("/v1/decide").handler(body).handler(this::decide);
        router.post("/v1/events").handler(body).handler(this::events);
        // Monitors often probe with HEAD: the same answer, without its body.
        router.route("/health").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> respond(ctx, 200, Json.write(Map.of("status", "ok"))));
        router.route("/ready").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::ready);
        router.get("/metrics").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8").end(c.metrics().prometheus()));
        new AdminApi(c, vertx).mount(router, body);
        // Behind the admin token (the /admin/* check above): a trusted system's events, offline ones too.
        router.post("/admin/v1/events").handler(body).handler(this::trustedEvents);
        WebAssets assets = new WebAssets();
        // The tag: cached briefly, so a new version reaches every page within minutes.
        router.get("/tag.js").handler(ctx -> assets.serve(ctx, "tsunagu.js", "public, max-age=300"));
        if (c.config().demoShop()) {
            new DemoShop(c, assets).mount(router, body);
        }
        new StaffApi(c, vertx).mount(router);
        router.route().last().handler(ctx -> noRoute(router, ctx));
        router.route().failureHandler(new ApiErrors(c.metrics(), c.config().bodyLimit(), false)::handle);
        HttpServerOptions options = new HttpServerOptions().setHost(c.config().host()).setPort(c.config().port())
                .setTcpNoDelay(true).setCompressionSupported(false).setIdleTimeout(60);
        return vertx.createHttpServer(options).requestHandler(req -> {
            if (wellEscaped(req.uri())) {
                router.handle(req);
            } else {
                c.metrics().clientErrors.increment();
                req.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(Json.error("bad_request",
                        "the URL has a bad percent-escape: each % must be followed by two hex digits"));
            }
        }).listen().onSuccess(s -> server = s);
    }

    /**
     * Whether every {@code %} of a request target begins an escape of two hex digits. The router throws
     * on one that does not — while matching routes (an unhandled error: a stack trace in the log, a
     * plain-text answer) or when a handler reads a query parameter (a 500 logged with the whole URI,
     * which can hold a member id) — so such a request is answered before it reaches the router.
     */
    static boolean wellEscaped(String uri) {
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length() || !HexFormat.isHexDigit(uri.charAt(i + 1)) || !HexFormat.isHexDigit(uri.charAt(i + 2))) {
                return false;
            }
        }
        return true;
    }

    /**
     * No route took the request: a 405 naming the methods the path has, if it has some (a client that
     * sends GET to /v1/decide learns it wants POST), else a 404.
     */
    private static void noRoute(Router router, RoutingContext ctx) {
        Set<HttpMethod> allowed = allowedMethods(router, ctx.normalizedPath());
        if (allowed.isEmpty()) {
            fail(ctx, 404, "not_found", "no such endpoint: " + ctx.request().method() + " " + ctx.request().path());
            return;
        }
        List<String> names = new ArrayList<>();
        for (HttpMethod m : allowed) {
            names.add(m.name());
        }
        names.sort(null);
        String allow = String.join(", ", names);
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        fail(ctx, 405, "method_not_allowed", ctx.request().method() + " " + ctx.request().path() + ": this endpoint takes "
                + allow);
    }

    /** The methods of the routes declared for exactly {@code path} (":name" segments match any one segment). */
    static Set<HttpMethod> allowedMethods(Router router, String path) {
        Set<HttpMethod> out = new HashSet<>();
        for (Route r : router.getRoutes()) {
            String declared = r.getPath();
            if (declared != null && r.methods() != null && !declared.endsWith("*") && samePath(declared, path)) {
                out.addAll(r.methods());
            }
        }
        return out;
    }

    private static boolean samePath(String declared, String path) {
        String[] a = declared.split("/", -1);
        String[] b = path.split("/", -1);
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(a[i].startsWith(":") && !b[i].isEmpty()) && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Stops accepting requests, then writes out what this event loop has queued. */
    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.compose(v -> writes.drain(10_000)).onComplete(ar -> c.writers().remove(writes));
    }

    /** Queues the events for Redis and applies them to the cached profile; if the buffer is full, neither. */
    private Profile record(ProfileService.Visitor v, List<Event> events, long now) {
        List<String> updates = c.profiles().updates(events);
        return writes.enqueue(v.pid(), events, updates) ? c.profiles().record(v, events, now) : v.profile();
    }

    /** JSON, or text/plain holding JSON (so that browsers skip the CORS preflight). */
    private void requireJsonOrText(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || isJsonOrText(type)) {
            ctx.next();
        } else {
            fail(ctx, 415, "unsupported_media_type", "send the body as application/json or text/plain, not " + type);
        }
    }

    /** Whether a Content-Type is application/json or text/plain, in any case, with or without parameters. */
    static boolean isJsonOrText(String type) {
        int end = type.indexOf(';');
        if (end < 0) {
            end = type.length();
        }
        while (end > 0 && type.charAt(end - 1) == ' ') {
            end--;
        }
        return end == 16 && type.regionMatches(true, 0, "application/json", 0, 16)
                || end == 10 && type.regionMatches(true, 0, "text/plain", 0, 10);
    }

    // ---- decide --------------------------------------------------------------------------------

    private void decide(RoutingContext ctx) {
        Requests.Decide req = Requests.decide(Json.parse(ctx.body().buffer()));
        long now = System.currentTimeMillis();
        c.profiles().visitor(req.who().vid(), req.who().uid(), req.who().signature()).onSuccess(v -> {
            RuleSet rules = c.rules().current();
            Event view = pageView(req, now);
            Profile profile = record(v, List.of(view), now);
            decisions(rules, v, profile, req, now, 0).onSuccess(decisions -> {
                c.metrics().decideRequests.increment();
                respond(ctx, 200, decideBody(v, decisions));
            }).onFailure(ctx::fail);
        }).onFailure(ctx::fail);
    }

    /**
     * Decides, then draws the coupon codes the decisions need from their pools. A pool found empty
     * meanwhile (another instance gave out its last code) is remembered and the page decided again, so
     * that the slot goes to the next campaign; if Redis cannot be reached, those decisions are left out.
     */
    private Future<List<Decision>> decisions(RuleSet rules, ProfileService.Visitor v, Profile profile, Requests.Decide req,
            long now, int attempt) {
        ServerContent content = new ServerContent(c.catalog().recommender(), c.coupons());
        List<Decision> decisions = rules.decide(profile, req.page(), visit(v), req.slots(), now,
                ImpressionCounts.fromProfile(profile), content);
        List<ServerContent.Claim> claims = content.claims();
        if (claims.isEmpty()) {
            return Future.succeededFuture(decisions);
        }
        List<Future<String>> codes = new ArrayList<>(claims.size());
        for (ServerContent.Claim claim : claims) {
            codes.add(c.coupons().claim(claim.pool(), v.uid()).timeout(Math.max(50, c.config().redisTimeout().toMillis()),
                    TimeUnit.MILLISECONDS));
        }
        return Future.join(codes).transform(ar -> {
            Map<String, Object> given = new LinkedHashMap<>();
            boolean emptied = false;
            for (int i = 0; i < claims.size(); i++) {
                String code = codes.get(i).succeeded() ? codes.get(i).result() : null;
                emptied |= codes.get(i).succeeded() && code == null;
                if (code != null) {
                    claims.get(i).content().put("code", code);
                    given.put(ProfileKeys.couponAttribute(claims.get(i).pool()), code);
                }
            }
            if (!given.isEmpty()) {
                // The profile remembers the code: the member sees the same one without asking the pool again.
                c.profiles().applyAttributes(v.pid(), given);
                c.store().setAttributes(v.pid(), given)
                        .compose(x -> c.store().publishChanges(c.origin(), List.of(v.pid())))
                        .onFailure(e -> LOG.warn("cannot store a coupon code in a profile: {}", e.getMessage()));
            }
            if (emptied && attempt < 2) {
                return decisions(rules, v, profile.withAttributes(given), req, now, attempt + 1);
            }
            List<Decision> out = new ArrayList<>(decisions.size());
            for (Decision d : decisions) {
                if (d.content() == null || !isUnfilled(d.content(), claims)) {
                    out.add(d);
                }
            }
            return Future.succeededFuture(out);
        });
    }

    private static boolean isUnfilled(Map<String, Object> content, List<ServerContent.Claim> claims) {
        for (ServerContent.Claim claim : claims) {
            if (claim.content() == content && content.get("code") == null) {
                return true;
            }
        }
        return false;
    }

    /** The page view a decide request records: the page's fields, with its type as page_type. */
    private static Event pageView(Requests.Decide req, long now) {
        Map<String, Object> props = new LinkedHashMap<>(req.page().size() + 1);
        req.page().forEach((k, v) -> props.put(k.equals("type") ? "page_type" : k, v));
        return new Event(req.pageViewId() == null ? Requests.newId() : req.pageViewId(), "page_view", now, props);
    }

    /** What conditions see as {@code visit.*}. */
    static Map<String, Object> visit(ProfileService.Visitor v) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        if (v.vid() != null) {
            m.put("vid", v.vid());
        }
        if (v.identified()) {
            m.put("uid", v.uid());
        }
        m.put("identified", v.identified());
        return m;
    }

    private static Buffer decideBody(ProfileService.Visitor v, List<Decision> decisions) {
        return Json.write(1024, g -> {
            g.writeStartObject();
            if (v.vid() != null) {
                g.writeStringField("vid", v.vid());
            }
            g.writeBooleanField("identified", v.identified());
            if (v.degraded()) {
                g.writeBooleanField("degraded", true);
            }
            g.writeArrayFieldStart("decisions");
            for (Decision d : decisions) {
                g.writeStartObject();
                g.writeStringField("slot", d.slot());
                g.writeStringField("campaign", d.campaign());
                g.writeStringField("variant", d.variant());
                if (d.contentJson() != null) {
                    g.writeFieldName("content");
                    g.writeRawValue(d.contentJson());
                } else if (d.content() != null) {
                    g.writeFieldName("content");
                    PlainJson.write(g, d.content());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ---- events --------------------------------------------------------------------------------

    private void events(RoutingContext ctx) {
        long now = System.currentTimeMillis();
        Requests.Track req = Requests.events(Json.parse(ctx.body().buffer()), now);
        c.profiles().visitor(req.who().vid(), req.who().uid(), req.who().signature()).onSuccess(v -> {
            record(v, req.events(), now);
            c.metrics().eventRequests.increment();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", req.events().size());
            body.put("identified", v.identified());
            respond(ctx, 202, Json.write(body));
        }).onFailure(ctx::fail);
    }

    /**
     * Events from a system holding the admin token — a store's check-in or POS system reporting as it
     * happens what the nightly files would bring: any type and channel, for a member id, no signature.
     */
    private void trustedEvents(RoutingContext ctx) {
        long now = System.currentTimeMillis();
        Requests.Track req = Requests.events(Json.parse(ctx.body().buffer()), now, true);
        String uid = req.who().uid();
        if (uid == null || req.who().vid() != null) {
            throw ApiException.badRequest("send the member's \"uid\" (no signature needed here), not a \"vid\": visitor ids "
                    + "are for browsers");
        }
        c.profiles().profile(uid)
                .map(p -> new ProfileService.Visitor(uid, null, uid, true, p, false))
                .otherwise(new ProfileService.Visitor(uid, null, uid, true, Profile.empty(uid), true))
                .onSuccess(v -> {
                    record(v, req.events(), now);
                    c.metrics().eventRequests.increment();
                    respond(ctx, 202, Json.write(Map.of("accepted", req.events().size())));
                });
    }

    // ---- health --------------------------------------------------------------------------------

    private void ready(RoutingContext ctx) {
        boolean redis = c.redisUp().getAsBoolean();
        boolean writing = c.writesHealthy();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", redis && writing);
        body.put("redis", redis ? "up" : "down");
        body.put("writes", writing ? "ok" : "buffering");
        body.put("buffered_events", c.bufferedEvents());
        body.put("rules", c.rules().status().fingerprint());
        respond(ctx, redis && writing ? 200 : 503, Json.write(body));
    }

    // ---- responses -----------------------------------------------------------------------------

    static void respond(RoutingContext ctx, int status, Buffer body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE);
        if (ctx.request().method() == HttpMethod.HEAD) {
            // The headers a GET would get, its length included, and no body.
            ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
        } else {
            ctx.response().end(body);
        }
    }

    static void fail(RoutingContext ctx, int status, String code, String message) {
        ctx.fail(new ApiException(status, code, message));
    }
}
