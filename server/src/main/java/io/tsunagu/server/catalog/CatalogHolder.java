package io.tsunagu.server.catalog;

import io.tsunagu.recs.Catalog;
import io.tsunagu.recs.RecsModel;
import io.tsunagu.recs.Recommender;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live {@link Catalog} and recommendation model ({@link RecsModel}), as one {@link Recommender}:
 * read from Redis at start, the catalog again whenever the loader says it changed, the model whenever
 * build-recs wrote a new one (and both when the change feed reconnected). Readers get the current
 * snapshot without locking.
 */
public final class CatalogHolder {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogHolder.class);

    private final Vertx vertx;
    private final RedisProfileStore store;
    private final AtomicReference<Recommender> current = new AtomicReference<>(new Recommender(Catalog.EMPTY, RecsModel.EMPTY));
    private final Reload catalog = new Reload("catalog", this::readCatalog);
    private final Reload model = new Reload("recommendation model", this::readModel);

    public CatalogHolder(Vertx vertx, RedisProfileStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    public Catalog current() {
        return current.get().catalog();
    }

    /** The catalog and model in use now. */
    public Recommender recommender() {
        return current.get();
    }

    /** Reads the catalog again; a request while one is running runs once more after it. Call on one context. */
    public Future<Void> reload() {
        return catalog.run();
    }

    /** Reads the recommendation model again. Call on one context. */
    public Future<Void> reloadModel() {
        return model.run();
    }

    /** One thing read from Redis, at most one read at a time, with one more if asked meanwhile. */
    private static final class Reload {
        private final String what;
        private final Supplier<Future<Void>> read;
        private boolean running;
        private boolean again;

        Reload(String what, Supplier<Future<Void>> read) {
            this.what = what;
            this.read = read;
        }

        Future<Void> run() {
            if (running) {
                again = true;
                return Future.succeededFuture();
            }
            running = true;
            return read.get().onComplete(ar -> {
                running = false;
                if (ar.failed()) {
                    LOG.warn("cannot read the {} ({}); keeping the one loaded before", what, ar.cause().getMessage());
                }
                if (again) {
                    again = false;
                    run();
                }
            });
        }
    }

    private Future<Void> readCatalog() {
        return store.batch(List.of(Request.cmd(Command.HGETALL).arg(store.keys().catalog()))).map(rs -> {
            Catalog c = parse(rs.get(0));
            current.updateAndGet(r -> new Recommender(c, r.model()));
            LOG.info("catalog loaded: {} products", c.size());
            return null;
        });
    }

    private Future<Void> readModel() {
        return store.recsModel().compose(bytes -> bytes == null ? Future.succeededFuture(RecsModel.EMPTY)
                : vertx.executeBlocking(() -> RecsModel.read(new ByteArrayInputStream(bytes)))).map(m -> {
                    current.updateAndGet(r -> new Recommender(r.catalog(), m));
                    if (m.size() > 0) {
                        LOG.info("recommendation model loaded: {} items from {} baskets", m.size(), m.baskets());
                    }
                    return null;
                });
    }

    @SuppressWarnings("unchecked")
    static Catalog parse(Response hash) {
        List<Catalog.Product> products = new ArrayList<>();
        if (hash != null) {
            for (int i = 0; i + 1 < hash.size(); i += 2) {
                if (EventCodec.decodeValue(hash.get(i + 1).toString()) instanceof Map<?, ?> m) {
                    Catalog.Product p = Catalog.product((Map<String, Object>) m);
                    if (p != null) {
                        products.add(p);
                    }
                }
            }
        }
        return new Catalog(products);
    }
}
