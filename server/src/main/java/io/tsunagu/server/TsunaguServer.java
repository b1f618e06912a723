package io.tsunagu.server;

import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.server.catalog.CatalogHolder;
import io.tsunagu.server.content.CouponPools;
import io.tsunagu.server.config.ServerConfig;
import io.tsunagu.server.http.ApiVerticle;
import io.tsunagu.server.profile.Identity;
import io.tsunagu.server.profile.ProfileService;
import io.tsunagu.store.ChangeFeed;
import io.tsunagu.store.PipelinedRedis;
import io.tsunagu.store.ProfileKeys;
import io.tsunagu.store.RedisProfileStore;
import io.tsunagu.store.SharedRedis;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running decision server: rules, Redis (its own, unless one is configured), the profile cache,
 * the write-behind queue, the change feed and the HTTP verticles, one per event loop.
 *
 * <p>Start order: rules (a server without rules does not start), Redis, scripts, then HTTP.
 * Stop order: HTTP first (no new writes; each event loop then drains its queued writes to Redis),
 * then Redis.
 */
public final class TsunaguServer {

    private static final Logger LOG = LoggerFactory.getLogger(TsunaguServer.class);

    private final ServerConfig config;
    private final Metrics metrics = new Metrics();
    private final String origin = "server-" + Long.toHexString(System.nanoTime() ^ ProcessHandle.current().pid());
    private final AtomicBoolean redisUp = new AtomicBoolean(false);
    private SharedRedis embedded;
    private Vertx vertx;
    private Redis redis;
    private RulesHolder rules;
    private ProfileService profiles;
    private CatalogHolder catalog;
    private CouponPools coupons;
    private ChangeFeed feed;
    private RedisProfileStore store;
    private Housekeeping housekeeping;
    private String apiDeployment;
    private String housekeepingDeployment;
    private int port;

    private TsunaguServer(ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts a server and returns once it listens. Blocking: call from a main thread, not an event loop.
     *
     * @throws RuleLoadException when the rules do not load
     * @throws IOException when the private Redis cannot start
     */
    public static TsunaguServer start(ServerConfig config) throws Exception {
        TsunaguServer s = new TsunaguServer(config);
        try {
            s.boot();
        } catch (Exception e) {
            s.stop();
            throw e;
        }
        return s;
    }

    private void boot() throws Exception {
        rules = new RulesHolder(config.rulesDir(), metrics);
        LOG.info("rules loaded: {}", rules.loadInitial());
        String url = config.redisUrl();
        if (url == null) {
            // Shared with the loader through the data directory: whoever comes first starts it.
            embedded = SharedRedis.open(config.dataDir().resolve("redis"));
            url = embedded.url();
            LOG.info("{} a private Redis on 127.0.0.1:{} (data in {}, append-only file on)",
                    embedded.startedHere() ? "started" : "using the running", embedded.port(), config.dataDir().resolve("redis"));
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
        RedisOptions options = new RedisOptions().setConnectionString(url).setProtocolNegotiation(false)
                .setMaxPoolSize(Math.max(16, 8 * config.eventLoops())).setMaxPoolWaiting(10_000)
                .setMaxWaitingHandlers(100_000);
        // Each event loop's commands pipelined on a connection of its own (PipelinedRedis says why).
        redis = new PipelinedRedis(Redis.createClient(vertx, options));
        ProfileKeys keys = new ProfileKeys(config.keyPrefix());
        store = new RedisProfileStore(redis, keys);
        try {
            await(store.prepare(), 5);
            redisUp.set(true);
        } catch (Exception e) {
            LOG.warn("Redis is not answering ({}); starting anyway: decisions fail open, writes are buffered", e.getMessage());
        }
        if (redisUp.get()) {
            // Profiles an earlier version stored are converted before the first write (safe with others doing the same).
            long[] migrated = await(store.migrate(rules.current().policy()), 3_600);
            if (migrated != null && migrated[1] > 0) {
                LOG.info("stored profiles: {} events of {} profiles brought to the current layout", migrated[1], migrated[0]);
            }
        }
        Identity identity = new Identity(config.siteSecret());
        if (!identity.canVerify()) {
            LOG.warn("no site_secret (TSUNAGU_SITE_SECRET): member ids cannot be verified, every request is anonymous");
        }
        if (config.adminToken() == null) {
            LOG.warn("no admin_token (TSUNAGU_ADMIN_TOKEN): the admin API is off");
        }
        profiles = new ProfileService(store, identity, () -> rules.current().policy(), metrics, origin,
                config.redisTimeout(), config.cacheMaxProfiles(), config.cacheTtl());
        catalog = new CatalogHolder(vertx, store);
        coupons = new CouponPools(store);
        feed = new ChangeFeed(vertx, options, keys, origin);
        housekeeping = new Housekeeping();
        housekeepingDeployment = await(vertx.deployVerticle(housekeeping), 10);

        port = config.port() == 0 ? freePort() : config.port();
        ServerConfig listening = config.withPort(port);
        Components components = new Components(listening, rules, profiles, store, catalog, coupons, metrics, redisUp::get,
                origin);
        metrics.gauge("tsunagu_write_buffer_events", components::bufferedEvents);
        apiDeployment = await(vertx.deployVerticle(() -> new ApiVerticle(components),
                new DeploymentOptions().setInstances(config.eventLoops())), 10);
        LOG.info("listening on http://{}:{} ({}; {} event loops)", config.host(), port, config, config.eventLoops());
    }

    /** Timers and listeners that run on one context: change feed, rules watch, Redis health. */
    private final class Housekeeping extends VerticleBase {
        private long ping = -1;

        @Override
        public Future<?> start() {
            // Each (re)subscription reloads the catalog and drops cached profiles: changes may have been missed.
            feed.start(id -> {
                switch (id) {
                    case ProfileKeys.CATALOG_CHANGED -> catalog.reload();
                    case ProfileKeys.RECS_CHANGED -> catalog.reloadModel();
                    case ProfileKeys.COUPONS_CHANGED -> coupons.poolsChanged();
                    default -> profiles.invalidate(id);
                }
            }, () -> {
                profiles.invalidateAll();
                catalog.reload();
                catalog.reloadModel();
                coupons.poolsChanged();
            });
            rules.watch(vertx);
            ping = vertx.setPeriodic(1_000, t -> redis.send(Request.cmd(Command.PING)).timeout(500, TimeUnit.MILLISECONDS)
                    .onComplete(ar -> {
                        boolean up = ar.succeeded();
                        if (up != redisUp.getAndSet(up)) {
                            if (up) {
                                LOG.info("Redis is reachable again");
                            } else {
                                LOG.warn("Redis is unreachable: decisions fail open, events are buffered");
                            }
                        }
                    }));
            return Future.succeededFuture();
        }

        @Override
        public Future<?> stop() {
            vertx.cancelTimer(ping);
            rules.stop(vertx);
            feed.close();
            return Future.succeededFuture();
        }
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    public Metrics metrics() {
        return metrics;
    }

    public ProfileService profiles() {
        return profiles;
    }

    public CatalogHolder catalog() {
        return catalog;
    }

    public RulesHolder rules() {
        return rules;
    }

    public RedisProfileStore store() {
        return store;
    }

    /** Stops accepting requests, writes out what is queued, then stops Redis if it is ours. */
    public synchronized void stop() {
        try {
            if (vertx != null) {
                if (apiDeployment != null) {
                    await(vertx.undeploy(apiDeployment), 10);
                    apiDeployment = null;
                }
                if (housekeepingDeployment != null) {
                    await(vertx.undeploy(housekeepingDeployment), 15);
                    housekeepingDeployment = null;
                }
                if (redis != null) {
                    redis.close();
                }
                await(vertx.close(), 10);
                vertx = null;
            }
        } catch (Exception e) {
            LOG.warn("while stopping: {}", e.toString());
        } finally {
            if (embedded != null) {
                embedded.close(); // stops it unless the loader is still using it
                embedded = null;
            }
        }
    }

    static <T> T await(Future<T> f, int seconds) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
