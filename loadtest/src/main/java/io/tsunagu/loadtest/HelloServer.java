package io.tsunagu.loadtest;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The baseline: the same kind of Vert.x server as Tsunagu's (Router, body handler, one verticle per
 * event loop, same options) answering every POST with a small JSON body and doing nothing else. The
 * decision server's throughput is reported as a share of this one's, measured in the same run.
 */
public final class HelloServer extends VerticleBase {

    private static final Buffer HELLO = Buffer.buffer("{\"message\":\"hello\"}");
    private final int port;

    HelloServer(int port) {
        this.port = port;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int loops = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new HelloServer(port), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("hello server listening on " + port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
        router.route().handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(HELLO));
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true)
                .setIdleTimeout(60)).requestHandler(router).listen();
    }
}
