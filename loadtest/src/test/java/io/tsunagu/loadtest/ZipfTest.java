package io.tsunagu.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void ranksAreDrawnInProportionToOneOverRankToTheS() {
        Zipf z = new Zipf(1_000, 1.0);
        int[] counts = new int[1_000];
        Random r = new Random(7);
        int n = 500_000;
        for (int i = 0; i < n; i++) {
            counts[z.next(r)]++;
        }
        double h = 0;
        for (int k = 1; k <= 1_000; k++) {
            h += 1.0 / k;
        }
        assertEquals(n / h, counts[0], n / h * 0.03, "rank 1");
        assertEquals(n / h / 10, counts[9], n / h / 10 * 0.1, "rank 10");
        assertTrue(counts[0] > counts[1] && counts[1] > counts[9] && counts[9] > counts[99]);
    }
}
