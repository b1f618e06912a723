package io.tsunagu.server.staff;

import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.server.Components;
import io.tsunagu.server.config.StaffSettings;
import io.tsunagu.server.http.ApiErrors;
import io.tsunagu.server.http.ApiException;
import io.tsunagu.server.http.Json;
import io.tsunagu.server.http.QueryParams;
import io.tsunagu.store.ProfileKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staff page and its API: store staff sign in and look up a member before serving them.
 * <pre>
 * GET  /staff/                                the page (sign-in form, then the lookup)
 * POST /staff/api/login                       {"user", "password"} → a session cookie and the CSRF token
 * POST /staff/api/logout                      ends the session (X-CSRF-Token)
 * GET  /staff/api/session                     who is signed in, the CSRF token
 * GET  /staff/api/customers/{uid}             attributes, segments, recent web browsing, interests, store purchases
 * GET  /staff/api/customers/{uid}/timeline    web and offline events, newest first ({@code ?before=…&limit=N})
 * </pre>
 *
 * <p><b>Sessions</b> live in Redis ({@link StaffSessions}); the cookie is {@code HttpOnly},
 * {@code SameSite=Strict}, and {@code Secure} (named {@code __Host-…}) when the request came over TLS.
 * <b>CSRF</b>: besides SameSite, a POST must come from the page's own origin ({@code Origin},
 * {@code Sec-Fetch-Site}), be JSON (a cross-site form cannot send that) and, once signed in, repeat the
 * session's CSRF token in {@code X-CSRF-Token}. <b>Passwords</b> are checked on a small worker pool,
 * never on the event loop, after the {@link LoginLimiter} allowed the attempt.
 *
 * <p><b>Privacy</b>: every lookup is written to the {@link AuditLog} before its answer is sent; if
 * that fails, no data is sent. Nothing here logs a member id, a name or a password, and failures on
 * these routes are logged without the request path (it holds the member id).
 */
public final class StaffApi {

    private static final Logger LOG = LoggerFactory.getLogger(StaffApi.class);
    private static final String COOKIE = "tsunagu_staff";
    private static final String SECURE_COOKIE = "__Host-tsunagu_staff";
    private static final String STAFF = "tsunagu.staff";
    private static final int MAX_PASSWORD = 1024;
    /** A sign-in is the only body here; the API's body_limit does not apply. */
    private static final int BODY_LIMIT = 4 * 1024;
    private static final long REDIS_TIMEOUT_MS = 5_000;

    /** Who is signed in: the session and the account it belongs to. */
    record Staff(StaffSessions.Session session, StaffSettings.Account account) {
    }

    private final Components c;
    private final Vertx vertx;
    private final StaffSettings settings;
    private final StaffSessions sessions;
    private final LoginLimiter limiter;
    private final AuditLog audit;
    private final StaffPage page;
    private WorkerExecutor hashing;

    public StaffApi(Components c, Vertx vertx) {
        this.c = c;
        this.vertx = vertx;
        this.settings = c.config().staff();
        this.sessions = new StaffSessions(c.store(), settings.sessionIdle(), settings.sessionMax());
        this.limiter = new LoginLimiter(c.store(), settings.loginWindow(), settings.maxFailuresPerUser(),
                settings.maxFailuresPerIp());
        this.audit = new AuditLog(c.store(), settings.auditMax());
        this.page = StaffPage.load();
    }

    public void mount(Router router) {
        // Password checks are slow by design: a pool of their own, so that a burst of sign-ins cannot
        // hold up other blocking work. Shared by name between the event loops.
        hashing = vertx.createSharedWorkerExecutor("tsunagu-staff-passwords", Math.max(2, c.config().eventLoops()));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        page.mount(router);
        router.get("/staff").handler(ctx -> {
            if (ctx.request().path().equals("/staff")) {
                ctx.redirect("/staff/");
            } else {
                ctx.next();
            }
        });
        router.route("/staff/api/*").handler(this::noStore);
        router.post("/staff/api/*").handler(this::sameOriginJson);
        router.post("/staff/api/login").handler(body).handler(this::login);
        router.post("/staff/api/logout").handler(this::authenticate).handler(this::requireCsrf).handler(this::logout);
        router.get("/staff/api/session").handler(this::authenticate).handler(this::session);
        router.get("/staff/api/customers/:uid").handler(this::authenticate).handler(this::customer);
        router.get("/staff/api/customers/:uid/timeline").handler(this::authenticate).handler(this::timeline);
        ApiErrors errors = new ApiErrors(c.metrics(), BODY_LIMIT, true);
        router.route("/staff/*").failureHandler(ctx -> {
            ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            errors.handle(ctx);
        });
    }

    /** The audit log, for the admin API. */
    public AuditLog audit() {
        return audit;
    }

    // ---- requests ------------------------------------------------------------------------------

    private void noStore(RoutingContext ctx) {
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Content-Type-Options", "nosniff");
        ctx.next();
    }

    /**
     * A state-changing request must be same-origin JSON: a cross-site form can neither send
     * {@code application/json} nor hide its {@code Origin}.
     */
    private void sameOriginJson(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new ApiException(403, "forbidden", "cross-site requests are refused");
        }
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !origin.toLowerCase(java.util.Locale.ROOT).equals(ownOrigin(req))) {
            throw new ApiException(403, "forbidden", "requests from another origin are refused");
        }
        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
        if (req.path().endsWith("/login") && (type == null || !type.startsWith("application/json"))) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        ctx.next();
    }

    /** scheme://host[:port] of this server as the browser sees it (the port left out where it is the default). */
    private String ownOrigin(HttpServerRequest req) {
        boolean tls = secure(req);
        HostAndPort authority = req.authority();
        if (authority == null) {
            return null;
        }
        int port = authority.port();
        boolean defaultPort = port < 0 || port == (tls ? 443 : 80);
        return (tls ? "https://" : "http://") + authority.host().toLowerCase(java.util.Locale.ROOT)
                + (defaultPort ? "" : ":" + port);
    }

    private boolean secure(HttpServerRequest req) {
        if (req.isSSL()) {
            return true;
        }
        if (!settings.trustProxy()) {
            return false;
        }
        String proto = req.getHeader("X-Forwarded-Proto");
        return proto != null && proto.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https");
    }

    /** The client's address; behind a trusted proxy, the one the proxy appended to X-Forwarded-For. */
    private String address(HttpServerRequest req) {
        if (settings.trustProxy()) {
            String forwarded = req.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
                if (last.matches("[0-9A-Fa-f.:\\[\\]]{2,64}")) {
                    return last;
                }
            }
        }
        return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    }

    private String cookieToken(HttpServerRequest req) {
        Cookie cookie = req.getCookie(SECURE_COOKIE);
        if (cookie == null) {
            cookie = req.getCookie(COOKIE);
        }
        return cookie == null ? null : cookie.getValue();
    }

    private Cookie cookie(HttpServerRequest req, String value) {
        boolean secure = secure(req);
        // __Host- cookies must be Secure with Path=/: no other site or path can set or shadow them.
        return Cookie.cookie(secure ? SECURE_COOKIE : COOKIE, value).setPath(secure ? "/" : "/staff").setHttpOnly(true)
                .setSecure(secure).setSameSite(CookieSameSite.STRICT);
    }

    // ---- sessions ------------------------------------------------------------------------------

    private void authenticate(RoutingContext ctx) {
        String token = cookieToken(ctx.request());
        if (token == null) {
            ctx.fail(new ApiException(401, "unauthorized", "sign in first"));
            return;
        }
        long now = System.currentTimeMillis();
        sessions.find(token, now).timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).onSuccess(s -> {
            StaffSettings.Account account = s == null ? null : settings.account(s.user());
            if (account == null || !account.password().fingerprint().equals(s.password())) {
                // Ended, expired, or the account was removed or given a new password since.
                if (s != null) {
                    sessions.end(token);
                }
                ctx.response().addCookie(cookie(ctx.request(), "").setMaxAge(0));
                ctx.fail(new ApiException(401, "unauthorized", "the session has ended; sign in again"));
                return;
            }
            ctx.put(STAFF, new Staff(s, account));
            ctx.next();
        }).onFailure(e -> ctx.fail(unavailable()));
    }

    private void requireCsrf(RoutingContext ctx) {
        Staff staff = ctx.get(STAFF);
        String given = ctx.request().getHeader("X-CSRF-Token");
        if (given == null || !java.security.MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                staff.session().csrf().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            ctx.fail(new ApiException(403, "forbidden", "send the session's CSRF token in X-CSRF-Token"));
            return;
        }
        ctx.next();
    }

    private void login(RoutingContext ctx) {
        Object parsed = Json.parse(ctx.body().buffer());
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("user") instanceof String user)
                || !(m.get("password") instanceof String password)) {
            throw ApiException.badRequest("send {\"user\": …, \"password\": …}");
        }
        user = user.trim();
        if (!StaffSettings.USER.matcher(user).matches() || password.isEmpty() || password.length() > MAX_PASSWORD) {
            throw ApiException.badRequest("a user name (letters, digits, . _ @ -) and a password, please");
        }
        String name = user;
        String address = address(ctx.request());
        StaffSettings.Account account = settings.account(name);
        long now = System.currentTimeMillis();
        limiter.begin(name, address).timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).onFailure(e -> ctx.fail(unavailable()))
                .onSuccess(attempt -> {
                    if (!attempt.allowed()) {
                        record(signIn(account, "blocked", address, now));
                        long seconds = (attempt.retryAfterMs() + 999) / 1000;
                        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
                        ctx.fail(new ApiException(429, "too_many_attempts",
                                "too many wrong passwords; try again in " + minutes(seconds)));
                        return;
                    }
                    // An unknown user costs as much time as a known one: the answer's timing names no accounts.
                    PasswordHash hash = account != null ? account.password() : Dummy.HASH;
                    hashing.executeBlocking(() -> hash.matches(password.toCharArray()), false).onFailure(ctx::fail)
                            .onSuccess(right -> {
                                if (!right || account == null) {
                                    record(signIn(account, "failed", address, now));
                                    ctx.fail(new ApiException(401, "unauthorized", "wrong user name or password"));
                                    return;
                                }
                                // The counters are settled before the answer, so the next attempt sees them.
                                limiter.succeeded(name, address).recover(e -> {
                                    LOG.warn("cannot clear a staff sign-in counter: {}", e.getClass().getSimpleName());
                                    return Future.succeededFuture();
                                }).compose(v -> sessions.create(name, account.password().fingerprint(), now))
                                        .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                                        .onFailure(e -> ctx.fail(unavailable()))
                                        .onSuccess(s -> {
                                            record(signIn(account, "ok", address, now));
                                            ctx.response().addCookie(cookie(ctx.request(), s.token()));
                                            respond(ctx, 200, Json.write(sessionBody(new Staff(s, account))));
                                        });
                            });
                });
    }

    private static String minutes(long seconds) {
        return seconds < 90 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }

    private AuditLog.Entry signIn(StaffSettings.Account account, String outcome, String address, long now) {
        // A name that is no account is not recorded: people type passwords into the user field.
        return new AuditLog.Entry(now, account == null ? "(unknown)" : account.user(), account == null ? null : account.store(),
                account == null ? null : account.role(), "login", null, outcome, address);
    }

    /** Sign-ins and sign-outs are recorded as they happen; a lost entry does not stop the sign-in. */
    private void record(AuditLog.Entry e) {
        audit.record(e).onFailure(x -> LOG.warn("cannot write a staff audit entry ({}): {}", e.action(),
                x.getClass().getSimpleName()));
    }

    private void logout(RoutingContext ctx) {
        Staff staff = ctx.get(STAFF);
        sessions.end(staff.session().token()).timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onFailure(e -> ctx.fail(unavailable()))
                .onSuccess(v -> {
                    record(entry(staff, "logout", null, "ok"));
                    ctx.response().addCookie(cookie(ctx.request(), "").setMaxAge(0));
                    ctx.response().setStatusCode(204).end();
                });
    }

    private void session(RoutingContext ctx) {
        respond(ctx, 200, Json.write(sessionBody(ctx.get(STAFF))));
    }

    private Map<String, Object> sessionBody(Staff staff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", staff.account().user());
        m.put("store", staff.account().store());
        m.put("role", staff.account().role());
        m.put("restricted_to_store", staff.account().restrictToStore());
        m.put("csrf", staff.session().csrf());
        m.put("expires_at", sessions.expiresAt(staff.session()));
        m.put("idle_timeout_s", sessions.idleMs() / 1000);
        return m;
    }

    // ---- lookups -------------------------------------------------------------------------------

    private void customer(RoutingContext ctx) {
        lookup(ctx, "customer", (p, now) -> {
            RuleSet rules = c.rules().current();
            return CustomerView.customer(p, c.catalog().current(), rules.segmentsOf(p, now), rules.policy(),
                    settings.attributes(), settings.recentViews(), now);
        });
    }

    private void timeline(RoutingContext ctx) {
        CustomerView.Cursor before;
        try {
            before = CustomerView.Cursor.parse(ctx.request().getParam("before"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("before must be a cursor from next_before or epoch milliseconds");
        }
        int limit = QueryParams.limit(ctx.request().getParam("limit"), 20, 100);
        lookup(ctx, "timeline", (p, now) -> CustomerView.timeline(p, c.catalog().current(), before, limit, now));
    }

    private interface View {
        Map<String, Object> build(Profile p, long now);
    }

    /**
     * Loads the member, checks the store restriction, records the lookup, and only then answers.
     * Unknown member → 404, another store's customer for a restricted account → 403; both recorded.
     */
    private void lookup(RoutingContext ctx, String action, View view) {
        Staff staff = ctx.get(STAFF);
        String uid = ctx.pathParam("uid");
        if (uid == null || !ProfileKeys.isValidId(uid)) {
            throw ApiException.badRequest("not a member id: letters, digits and . _ : @ + = - (at most 128)");
        }
        long now = System.currentTimeMillis();
        c.store().load(uid).timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).onFailure(e -> ctx.fail(unavailable()))
                .onSuccess(p -> {
                    String outcome;
                    ApiException refusal = null;
                    if (!CustomerView.exists(p)) {
                        outcome = "not_found";
                        refusal = new ApiException(404, "not_found", "no member with this id");
                    } else if (staff.account().restrictToStore() && !CustomerView.knownAtStore(p, staff.account().store())) {
                        outcome = "denied";
                        refusal = new ApiException(403, "forbidden", "this member has not visited, booked or bought at "
                                + "your store (" + staff.account().store() + ")");
                    } else {
                        outcome = "ok";
                    }
                    ApiException answer = refusal;
                    audit.record(entry(staff, action, uid, outcome)).timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                            .onFailure(e -> {
                                LOG.warn("cannot write a staff audit entry; the lookup is refused: {}",
                                        e.getClass().getSimpleName());
                                ctx.fail(new ApiException(503, "unavailable",
                                        "the lookup could not be recorded in the audit log; try again"));
                            })
                            .onSuccess(v -> {
                                if (answer != null) {
                                    ctx.fail(answer);
                                } else {
                                    respond(ctx, 200, Json.write(view.build(p, now)));
                                }
                            });
                });
    }

    private AuditLog.Entry entry(Staff staff, String action, String uid, String outcome) {
        return new AuditLog.Entry(System.currentTimeMillis(), staff.account().user(), staff.account().store(),
                staff.account().role(), action, uid, outcome, null);
    }


    // ---- responses -----------------------------------------------------------------------------

    private static ApiException unavailable() {
        return new ApiException(503, "unavailable", "the session store (Redis) did not answer; try again");
    }

    private static void respond(RoutingContext ctx, int status, Buffer body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    /** A hash to check unknown user names against, made once, as slow as a real one. */
    private static final class Dummy {
        static final PasswordHash HASH = PasswordHash.create(StaffSessions.random(16).toCharArray(),
                PasswordHash.DEFAULT_ITERATIONS);
    }
}
