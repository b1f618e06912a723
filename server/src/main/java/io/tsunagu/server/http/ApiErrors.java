package io.tsunagu.server.http;

import io.tsunagu.server.Metrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure handler of the HTTP routes: every error is JSON {@code {"error", "message"}} with the
 * right status; input a client can send never produces a 5xx or a stack trace in the answer. An
 * internal error is logged under a reference the answer gives.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private final Metrics metrics;
    private final long bodyLimit;
    private final boolean personal;

    /**
     * @param personal the routes' paths and errors name members (staff lookups): log neither the path
     *     nor an exception's message or trace (a Redis error names keys, which hold member ids), and
     *     answer a bad request with a generic message
     */
    public ApiErrors(Metrics metrics, long bodyLimit, boolean personal) {
        this.metrics = metrics;
        this.bodyLimit = bodyLimit;
        this.personal = personal;
    }

    public void handle(RoutingContext ctx) {
        Throwable t = ctx.failure();
        int status;
        String code;
        String message;
        if (t instanceof ApiException e) {
            status = e.status();
            code = e.code();
            message = e.getMessage();
        } else if (ctx.statusCode() == 413) {
            status = 413;
            code = "body_too_large";
            message = "the body is larger than " + bodyLimit + " bytes";
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            status = ctx.statusCode();
            code = "bad_request";
            message = t == null || personal ? "the request cannot be served" : t.getMessage();
        } else {
            status = 500;
            code = "internal";
            String ref = Requests.newId().substring(0, 12);
            message = "something went wrong on our side (reference " + ref + ")";
            if (personal) {
                LOG.error("internal error (reference {}): {}", ref, t == null ? "?" : t.getClass().getName());
            } else {
                LOG.error("internal error (reference {}) on {} {}", ref, ctx.request().method(), endpoint(ctx.request().path()), t);
            }
        }
        if (status == 500) {
            metrics.internalErrors.increment();
        } else if (status < 500) {
            metrics.clientErrors.increment();
        }
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Json.error(code, message));
        }
    }

    /**
     * The endpoint of a path for the log, without what follows its third segment — where the API
     * carries ids (/admin/v1/profiles/{id}): a member id is personal data.
     */
    static String endpoint(String path) {
        int slash = -1;
        for (int i = 0; i < 4; i++) {
            slash = path.indexOf('/', slash + 1);
            if (slash < 0) {
                return path;
            }
        }
        return path.substring(0, slash) + "/…";
    }
}
