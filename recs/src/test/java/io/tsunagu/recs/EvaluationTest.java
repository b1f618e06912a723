package io.tsunagu.recs;

import static io.tsunagu.recs.TestShop.DAY;
import static io.tsunagu.recs.TestShop.HOUR;
import static io.tsunagu.recs.TestShop.UTC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The offline evaluation on data where the answer is known: planted complements must beat popularity. */
class EvaluationTest {

    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /**
     * 150 customers over 60 days. A basket holds one of 12 products and, nine times in ten, its planted
     * complement; half the baskets also hold one of four staples, which are the best-sellers.
     */
    private static List<Evaluation.Purchase> plantedComplements() {
        Random random = new Random(7);
        List<Evaluation.Purchase> out = new ArrayList<>();
        for (int day = 0; day < 60; day++) {
            for (int c = 0; c < 150; c++) {
                if (random.nextDouble() >= 0.3) {
                    continue;
                }
                long ts = START + day * DAY + random.nextInt(12) * HOUR;
                String customer = "c" + c;
                int pair = random.nextInt(12);
                String category = "cat" + pair % 3;
                out.add(new Evaluation.Purchase(customer, ts, "item" + pair, "brand" + pair % 4, category));
                if (random.nextDouble() < 0.9) {
                    out.add(new Evaluation.Purchase(customer, ts + HOUR / 2, "complement" + pair, "brand" + pair % 4, category));
                }
                if (random.nextDouble() < 0.5) {
                    out.add(new Evaluation.Purchase(customer, ts + HOUR, "staple" + random.nextInt(4), "house", "staples"));
                }
            }
        }
        return out;
    }

    @Test
    void itemToItem_boughtTogether_beatsPopularity_onPlantedComplements() {
        Evaluation.Report r = new Evaluation(UTC, 4, 0.2, ModelBuilder.Settings.DEFAULT).run("planted", plantedComplements(), null);

        Evaluation.Metrics baseline = r.itemToItem("popularity (baseline)");
        Evaluation.Metrics together = r.itemToItem("bought_together → popular_in_category");
        assertTrue(baseline.queries() > 100, r.text(UTC));
        assertEquals(baseline.queries(), together.queries());
        assertTrue(together.hitRate() > baseline.hitRate(), r.text(UTC));
    }

    @Test
    void run_tooFewPurchases_isAnError() {
        List<Evaluation.Purchase> few = plantedComplements().subList(0, 9);
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(UTC, 4, 0.2, ModelBuilder.Settings.DEFAULT).run("few", few, null));
    }
}
