package io.tsunagu.loadtest;

import java.util.Arrays;
import java.util.Random;

/** Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^s: a few visitors are very active. */
final class Zipf {

    private final double[] cumulative;

    Zipf(int n, double s) {
        cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
    }

    int next(Random r) {
        int i = Arrays.binarySearch(cumulative, r.nextDouble());
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
}
