package io.tsunagu.server.http;

import io.tsunagu.rules.Explanation;
import io.tsunagu.rules.ImpressionCounts;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.condition.Failure;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.server.Components;
import io.tsunagu.server.RulesHolder;
import io.tsunagu.recs.Catalog;
import io.tsunagu.server.content.ServerContent;
import io.tsunagu.server.staff.AuditLog;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.ProfileKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API, behind a bearer token ({@code Authorization: Bearer …}); off (every call 401) when no
 * token is configured.
 * <pre>
 * GET  /admin/v1/profiles/{id}   attributes, traits, segments and recent events of a profile (a visitor's: ~VID)
 * GET  /admin/v1/rules           the live rule set, its warnings, and the last rejected change
 * POST /admin/v1/rules/reload    reload the rules now
 * POST /admin/v1/explain         why each campaign does (not) show, for a stored or given profile
 * POST /admin/v1/events          a trusted system's events for a member, offline types too (ApiVerticle)
 * GET  /admin/v1/imports         the loader's import runs, newest first ({@code ?limit=N}, default 50)
 * GET  /admin/v1/catalog         products in memory, newest first ({@code ?brand=…&category=…&limit=N})
 * GET  /admin/v1/audit           staff lookups and sign-ins, newest first ({@code ?limit=N&before=ID&user=…&uid=…&action=…})
 * </pre>
 */
final class AdminApi {

    private final Components c;
    private final Vertx vertx;
    private final byte[] token;

    AdminApi(Components c, Vertx vertx) {
        this.c = c;
        this.vertx = vertx;
        this.token = c.config().adminToken() == null ? null
                : ("Bearer " + c.config().adminToken()).getBytes(StandardCharsets.UTF_8);
    }

    void mount(Router router, BodyHandler body) {
        router.route("/admin/*").handler(this::authorize);
        router.get("/admin/v1/profiles/:id").handler(this::profile);
        router.get("/admin/v1/rules").handler(ctx -> ApiVerticle.respond(ctx, 200, Json.write(rules(c.rules().status()))));
        router.post("/admin/v1/rules/reload").handler(ctx -> c.rules().reload(vertx)
                .onSuccess(s -> ApiVerticle.respond(ctx, 200, Json.write(rules(s)))).onFailure(ctx::fail));
        router.post("/admin/v1/explain").handler(body).handler(this::explain);
        router.get("/admin/v1/imports").handler(this::imports);
        router.get("/admin/v1/catalog").handler(this::catalog);
        router.get("/admin/v1/audit").handler(this::audit);
    }

    // ---- staff audit log -----------------------------------------------------------------------

    private void audit(RoutingContext ctx) {
        int limit = limit(ctx.request().getParam("limit"));
        String before = ctx.request().getParam("before");
        if (before != null && !AuditLog.isCursor(before)) {
            throw ApiException.badRequest("before must be an entry id from next_before (e.g. 1764000000000-0)");
        }
        String user = ctx.request().getParam("user");
        String uid = ctx.request().getParam("uid");
        String action = ctx.request().getParam("action");
        new AuditLog(c.store(), c.config().staff().auditMax()).read(limit, before, user, uid, action)
                .onSuccess(page -> ApiVerticle.respond(ctx, 200, Json.write(page)))
                .onFailure(e -> ApiVerticle.fail(ctx, 503, "unavailable", "Redis did not answer: " + e.getMessage()));
    }

    private void authorize(RoutingContext ctx) {
        if (token == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ApiVerticle.fail(ctx, 401, "unauthorized", "the admin API is off: set admin_token (TSUNAGU_ADMIN_TOKEN)");
            return;
        }
        String given = ctx.request().getHeader("Authorization");
        if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ApiVerticle.fail(ctx, 401, "unauthorized", "send Authorization: Bearer <admin token>");
            return;
        }
        ctx.next();
    }

    // ---- profiles ------------------------------------------------------------------------------

    private void profile(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!ProfileKeys.isProfileId(id)) {
            ApiVerticle.fail(ctx, 400, "bad_request", "not a profile id: a member id (letters, digits and . _ : @ + = -, at "
                    + "most 128), or ~ and a visitor id for a visitor's anonymous profile");
            return;
        }
        int limit = limit(ctx.request().getParam("limit"));
        c.store().load(id).onSuccess(p -> {
            long now = System.currentTimeMillis();
            RuleSet rules = c.rules().current();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", p.id());
            body.put("attributes", p.attributes());
            body.put("traits", rules.traitValues(p, now));
            body.put("segments", rules.segmentsOf(p, now));
            Event[] events = p.events();
            List<Object> recent = new ArrayList<>();
            for (int i = events.length - 1; i >= 0 && recent.size() < limit; i--) {
                recent.add(event(events[i]));
            }
            body.put("events", recent);
            body.put("retained_from", p.retainedFrom());
            ApiVerticle.respond(ctx, 200, Json.write(body));
        }).onFailure(e -> ApiVerticle.fail(ctx, 503, "unavailable", "Redis did not answer: " + e.getMessage()));
    }

    static int limit(String param) {
        return QueryParams.limit(param, 50, 1000);
    }

    private static Map<String, Object> event(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.type());
        m.put("ts", e.ts());
        m.put("props", e.props());
        return m;
    }

    // ---- imports -------------------------------------------------------------------------------

    /** The loader keeps its history beside the profiles (see ProfileKeys); each run is JSON. */
    private void imports(RoutingContext ctx) {
        int limit = limit(ctx.request().getParam("limit"));
        ProfileKeys keys = c.store().keys();
        c.store().batch(List.of(Request.cmd(Command.LRANGE).arg(keys.imports()).arg(0).arg(limit - 1)))
                .compose(ids -> {
                    Response list = ids.get(0);
                    if (list == null || list.size() == 0) {
                        return Future.succeededFuture(List.<Object>of());
                    }
                    Request get = Request.cmd(Command.HMGET).arg(keys.importRuns());
                    for (int i = 0; i < list.size(); i++) {
                        get.arg(list.get(i).toString());
                    }
                    return c.store().batch(List.of(get)).map(rs -> {
                        List<Object> runs = new ArrayList<>();
                        Response r = rs.get(0);
                        for (int i = 0; i < r.size(); i++) {
                            if (r.get(i) != null) {
                                runs.add(EventCodec.decodeValue(r.get(i).toString()));
                            }
                        }
                        return runs;
                    });
                })
                .onSuccess(runs -> ApiVerticle.respond(ctx, 200, Json.write(Map.of("imports", runs))))
                .onFailure(e -> ApiVerticle.fail(ctx, 503, "unavailable", "Redis did not answer: " + e.getMessage()));
    }

    // ---- catalog -------------------------------------------------------------------------------

    private void catalog(RoutingContext ctx) {
        int limit = limit(ctx.request().getParam("limit"));
        String brand = ctx.request().getParam("brand");
        String category = ctx.request().getParam("category");
        Catalog catalog = c.catalog().current();
        List<Catalog.Product> products = brand != null ? catalog.brand(brand)
                : category != null ? catalog.category(category) : catalog.all();
        List<Object> out = new ArrayList<>();
        for (Catalog.Product p : products) {
            if (out.size() == limit) {
                break;
            }
            if (category == null || brand == null || category.equals(p.category())) {
                out.add(p.fields());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("size", catalog.size());
        body.put("products", out);
        ApiVerticle.respond(ctx, 200, Json.write(body));
    }

    // ---- rules ---------------------------------------------------------------------------------

    private static Map<String, Object> rules(RulesHolder.Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.rejected().isEmpty() ? "ok" : "last_change_rejected");
        m.put("fingerprint", s.fingerprint());
        m.put("loaded_at", s.loadedAt().toString());
        m.put("summary", s.summary());
        m.put("warnings", problems(s.warnings()));
        if (!s.rejected().isEmpty()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("at", s.rejectedAt().toString());
            r.put("errors", problems(s.rejected()));
            m.put("rejected", r);
        }
        return m;
    }

    private static List<String> problems(List<Problem> ps) {
        return ps.stream().map(Problem::toString).toList();
    }

    // ---- explain -------------------------------------------------------------------------------

    /**
     * Body: {@code {"uid"|"vid": id}} or {@code {"profile": {"attributes": {…}, "events": [{type, ts, props}]}}},
     * plus optional {@code page}, {@code visit}, {@code slots} (default: all) and {@code now}.
     */
    @SuppressWarnings("unchecked")
    private void explain(RoutingContext ctx) {
        Object parsed = Json.parse(ctx.body().buffer());
        if (!(parsed instanceof Map<?, ?> raw)) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        Map<String, Object> req = (Map<String, Object>) raw;
        long now = req.get("now") == null ? System.currentTimeMillis() : time(req.get("now"));
        Map<String, Object> page = map(req.get("page"), "page");
        Map<String, Object> visit = new LinkedHashMap<>(map(req.get("visit"), "visit"));
        if (req.get("uid") instanceof String uid && !visit.containsKey("uid")) {
            // Explaining for a member: as that member, signed in.
            visit.put("uid", uid);
            visit.putIfAbsent("identified", true);
        }
        List<String> slots = null;
        if (req.get("slots") != null) {
            if (!(req.get("slots") instanceof List<?> l) || !l.stream().allMatch(s -> s instanceof String)) {
                throw ApiException.badRequest("\"slots\" must be a list of slot names");
            }
            slots = (List<String>) l;
        }
        List<String> requested = slots;
        profileFor(req, now).onSuccess(p -> {
            // Content is resolved as for a page view (what would be recommended), but no coupon code is drawn.
            Explanation e = c.rules().current().explain(p, page, visit, requested, now, ImpressionCounts.fromProfile(p),
                    new ServerContent(c.catalog().recommender(), c.coupons()));
            ApiVerticle.respond(ctx, 200, Json.write(explanation(e)));
        }).onFailure(ctx::fail);
    }

    @SuppressWarnings("unchecked")
    private Future<Profile> profileFor(Map<String, Object> req, long now) {
        boolean member = req.get("uid") != null;
        Object id = member ? req.get("uid") : req.get("vid");
        if (id != null) {
            if (!(id instanceof String s) || !ProfileKeys.isValidId(s)) {
                throw ApiException.badRequest("\"uid\" / \"vid\" must be a profile id");
            }
            // A visitor id names the visitor's anonymous profile (what it was before signing in).
            return c.store().load(member ? s : ProfileKeys.visitorPid(s)).recover(e -> Future.failedFuture(
                    new ApiException(503, "unavailable", "Redis did not answer: " + e.getMessage())));
        }
        Map<String, Object> given = map(req.get("profile"), "profile");
        Profile.Builder b = Profile.builder("explain").attributes(map(given.get("attributes"), "profile.attributes"));
        Object events = given.get("events");
        if (events != null) {
            if (!(events instanceof List<?> list)) {
                throw ApiException.badRequest("\"profile.events\" must be a list");
            }
            int n = 0;
            for (Object o : list) {
                Map<String, Object> e = map(o, "profile.events[" + n + "]");
                if (!(e.get("type") instanceof String type) || !Event.TYPE.matcher(type).matches()) {
                    throw ApiException.badRequest("\"profile.events[" + n + "].type\" must be an event type");
                }
                long ts = e.get("ts") == null ? now : time(e.get("ts"));
                b.event(new Event("e" + n++, type, ts, map(e.get("props"), "props")));
            }
        }
        return Future.succeededFuture(b.build());
    }

    /** The last millisecond of year 9999: later (or negative) times only overflow the rules' windows. */
    private static final long LAST_TIME = 253_402_300_799_999L;

    private static long time(Object v) {
        long t;
        if (v instanceof Long l) {
            t = l;
        } else if (v instanceof String s) {
            try {
                t = OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                // ArithmeticException: beyond what epoch milliseconds hold
                throw ApiException.badRequest("times are epoch milliseconds or ISO-8601 with an offset, found " + v);
            }
        } else {
            throw ApiException.badRequest("times are epoch milliseconds or ISO-8601 with an offset, found " + v);
        }
        if (t < 0 || t > LAST_TIME) {
            throw ApiException.badRequest("times must fall between 1970 and the end of 9999, found " + v);
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v, String what) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            throw ApiException.badRequest("\"" + what + "\" must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private static Map<String, Object> explanation(Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", e.profile());
        m.put("now", e.now());
        m.put("traits", e.traits());
        List<Object> segments = new ArrayList<>();
        for (Explanation.SegmentResult s : e.segments()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", s.id());
            x.put("member", s.member());
            if (s.failure() != null) {
                x.put("failed", failure(s.failure()));
            }
            segments.add(x);
        }
        m.put("segments", segments);
        List<Object> campaigns = new ArrayList<>();
        for (Explanation.CampaignResult r : e.campaigns()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", r.id());
            x.put("slot", r.slot());
            x.put("priority", r.priority());
            x.put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
            if (r.variant() != null) {
                x.put("variant", r.variant());
            }
            if (r.reason() != null) {
                x.put("reason", r.reason());
            }
            if (r.failure() != null) {
                x.put("failed", failure(r.failure()));
            }
            campaigns.add(x);
        }
        m.put("campaigns", campaigns);
        return m;
    }

    private static Map<String, Object> failure(Failure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clause", f.clause());
        m.put("at", f.loc().toString());
        if (f.actual() != Failure.NOT_A_FIELD) {
            m.put("actual", f.actual());
        }
        if (!f.causes().isEmpty()) {
            m.put("because", f.causes().stream().map(AdminApi::failure).toList());
        }
        return m;
    }
}
