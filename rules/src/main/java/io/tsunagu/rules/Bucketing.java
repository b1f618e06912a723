package io.tsunagu.rules;

/**
 * Stable variant assignment, the same as GrowthBook's SDKs: a visitor hashes to a number in [0, 1)
 * from the campaign's seed and their id, and keeps the variant whose range holds it. Same inputs,
 * same variant, on every server instance and after every restart.
 */
public final class Bucketing {

    private Bucketing() {
    }

    /** 32-bit FNV-1a over UTF-16 code units, as JavaScript's charCodeAt sees the string. */
    static long fnv1a32(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        return h & 0xffffffffL;
    }

    /**
     * GrowthBook's {@code hash(seed, value, version)}: version 2 (the default) gives 4 decimal places,
     * version 1 gives 3; any other version gives null.
     */
    public static Double hash(String seed, String value, int version) {
        if (version == 2) {
            return (fnv1a32(Long.toString(fnv1a32(seed + value))) % 10000) / 10000.0;
        }
        if (version == 1) {
            return (fnv1a32(value + seed) % 1000) / 1000.0;
        }
        return null;
    }

    /** Equal weights for {@code n} variations; none for {@code n <= 0}. */
    public static double[] equalWeights(int n) {
        if (n <= 0) {
            return new double[0];
        }
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0 / n);
        return w;
    }

    /**
     * GrowthBook's {@code getBucketRanges}: each variation's [start, end) given coverage and weights.
     * Weights that do not match the count or do not sum to about 1 are replaced by equal weights.
     */
    public static double[][] bucketRanges(int n, double coverage, double[] weights) {
        double c = Math.max(0, Math.min(1, coverage));
        double[] w = weights;
        if (w == null || w.length != n) {
            w = equalWeights(n);
        }
        double total = 0;
        for (double x : w) {
            total += x;
        }
        if (total < 0.99 || total > 1.01) {
            w = equalWeights(n);
        }
        double[][] ranges = new double[n][];
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            double start = cumulative;
            cumulative += w[i];
            ranges[i] = new double[] {start, start + c * w[i]};
        }
        return ranges;
    }

    /** GrowthBook's {@code chooseVariation}: the index of the range holding {@code n}, or -1. */
    public static int chooseVariation(double n, double[][] ranges) {
        for (int i = 0; i < ranges.length; i++) {
            if (n >= ranges[i][0] && n < ranges[i][1]) {
                return i;
            }
        }
        return -1;
    }
}
