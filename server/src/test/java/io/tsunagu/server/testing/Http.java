package io.tsunagu.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/** JSON and waiting helpers for server tests. */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    public static String quote(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls until {@code condition} holds; returns how long it took in ms, or fails after {@code maxMs}. */
    public static long within(long maxMs, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        while (true) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            if ((System.nanoTime() - start) / 1_000_000 > maxMs) {
                throw new AssertionError(what + " did not happen within " + maxMs + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
