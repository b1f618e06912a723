package io.tsunagu.server.http;

/** Query parameters every listing endpoint reads the same way. */
public final class QueryParams {

    private QueryParams() {
    }

    /** {@code ?limit=N}: {@code fallback} when absent; a 400 unless a whole number from 1 to {@code max}. */
    public static int limit(String param, int fallback, int max) {
        if (param == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(param);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.badRequest("limit must be a whole number from 1 to " + max);
    }
}
