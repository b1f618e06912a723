package io.tsunagu.server.catalog;

import io.tsunagu.recs.Catalog;
import io.tsunagu.store.EventCodec;
import io.tsunagu.store.RedisProfileStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live {@link Catalog}: read from Redis at start, and again whenever the loader says the catalog
 * changed (or the change feed reconnected). Readers get the current snapshot without locking.
 */
public final class CatalogHolder {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogHolder.class);

    private final RedisProfileStore store;
    private final AtomicReference<Catalog> current = new AtomicReference<>(Catalog.EMPTY);
    private boolean loading;
    private boolean again;

    public CatalogHolder(RedisProfileStore store) {
        this.store = store;
    }

    public Catalog current() {
        return current.get();
    }

    /** Reads the catalog again; a request while one is running runs once more after it. Call on one context. */
    public Future<Catalog> reload() {
        if (loading) {
            again = true;
            return Future.succeededFuture(current.get());
        }
        loading = true;
        return store.batch(List.of(Request.cmd(Command.HGETALL).arg(store.keys().catalog()))).map(rs -> {
            Catalog c = parse(rs.get(0));
            current.set(c);
            LOG.info("catalog loaded: {} products", c.size());
            return c;
        }).onComplete(ar -> {
            loading = false;
            if (ar.failed()) {
                LOG.warn("cannot read the catalog ({}); keeping the one loaded before", ar.cause().getMessage());
            }
            if (again) {
                again = false;
                reload();
            }
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
