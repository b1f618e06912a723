package io.tsunagu.loader;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.store.StoredEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an events file's good rows in a {@link MemberOrder} on a thread of its own: while it encodes
 * and orders one chunk of rows, the checking pass reads and checks the next. The pass has both cores
 * to itself (nothing is written to Redis before it ends), and encoding and ordering are about a third
 * of its work. Rows are kept in the order they are added.
 */
final class EventKeeper implements AutoCloseable {

    private static final int CHUNK = 1_000;

    /** The end of the rows (compared by identity). */
    private static final List<Object> END = new ArrayList<>(0);

    private final BlockingQueue<List<Object>> queue = new ArrayBlockingQueue<>(8);
    private final Thread thread;
    private volatile Throwable failed;
    private volatile boolean abandoned;
    private boolean ended;
    private List<Object> chunk = new ArrayList<>(2 * CHUNK);

    EventKeeper(MemberOrder order, ProfilePolicy policy) {
        thread = new Thread(() -> keep(order, policy), "tsunagu-event-keeper");
        thread.setDaemon(true);
        thread.start();
    }

    private void keep(MemberOrder order, ProfilePolicy policy) {
        try {
            for (List<Object> c; (c = queue.take()) != END;) {
                if (abandoned) {
                    continue;
                }
                for (int i = 0; i < c.size(); i += 2) {
                    order.add((String) c.get(i), StoredEvent.of((Event) c.get(i + 1), policy));
                }
            }
        } catch (Throwable t) {
            failed = t;
        }
    }

    void add(String pid, Event event) throws IOException {
        chunk.add(pid);
        chunk.add(event);
        if (chunk.size() == 2 * CHUNK) {
            put(chunk);
            chunk = new ArrayList<>(2 * CHUNK);
        }
    }

    /** Returns once every row added is kept; throws what keeping them failed with. */
    void finish() throws IOException {
        if (!chunk.isEmpty()) {
            put(chunk);
            chunk = new ArrayList<>(0);
        }
        end();
        Throwable t = failed;
        if (t instanceof IOException e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("keeping the file's rows failed: " + t, t);
        }
    }

    /** Stops, dropping rows not yet kept (the file was rejected); nothing after {@link #finish}. */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        abandoned = true;
        queue.clear();
        try {
            end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void end() throws IOException {
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the file's rows were kept");
        }
        ended = true;
    }

    private void put(List<Object> c) throws IOException {
        try {
            while (!queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
                if (!thread.isAlive()) {
                    return; // it failed: finish() says how
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the file's rows were kept");
        }
    }
}
