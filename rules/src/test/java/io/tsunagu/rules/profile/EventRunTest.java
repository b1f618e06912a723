package io.tsunagu.rules.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventRunTest {

    private static Event view(int n, long ts) {
        return new Event("v" + n, "page_view", ts, n % 4 == 0 ? Map.of("url", "/") : Map.of("brand", "b" + n % 7));
    }

    /** What a run's column must hold: each event's field, read from the event. */
    private static void assertColumn(EventRun run, String name) {
        Object[] column = run.column(name);
        long[] times = run.times();
        for (int i = run.from(); i < run.to(); i++) {
            assertEquals(run.buffer()[i].field(name), column[i], "slot " + i);
            assertEquals(run.buffer()[i].ts(), times[i], "slot " + i);
        }
    }

    @Test
    void columnsAndTimes_followEveryRun_throughAppendsBranchesAndCopies() {
        // Appends share the buffer (and its columns); a run that branches off an older one, an event
        // out of order and a full buffer copy instead. Columns asked for at every step, of old runs too.
        Random r = new Random(3);
        List<EventRun> runs = new ArrayList<>();
        EventRun run = EventRun.of(new Event[] {view(0, 1_000)});
        runs.add(run);
        long ts = 1_000;
        for (int n = 1; n < 300; n++) {
            EventRun base = r.nextInt(5) == 0 ? runs.get(r.nextInt(runs.size())) : run;
            ts += r.nextInt(10) == 0 ? -500 : 100;
            run = base.plus(view(n, ts), 20);
            runs.add(run);
            assertColumn(run, "brand");
            if (n % 7 == 0) {
                assertColumn(runs.get(r.nextInt(runs.size())), "brand");
                assertColumn(run, "url");
            }
        }
        for (EventRun each : runs) {
            assertColumn(each, "brand");
            assertColumn(each, "ts");
        }
    }

    @Test
    void columns_filledByTwoThreadsAtOnce_holdTheEventsValues() throws Exception {
        List<EventRun> runs = new ArrayList<>();
        EventRun run = EventRun.of(new Event[] {view(0, 0)});
        for (int n = 1; n < 400; n++) {
            run = run.plus(view(n, n * 10L), 1_000);
            runs.add(run);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                EventRun fresh = EventRun.of(runs.get(runs.size() - 1).toArray());
                List<EventRun> grown = new ArrayList<>();
                EventRun g = fresh;
                for (int n = 0; n < 50; n++) {
                    g = g.plus(view(1_000 + n, 10_000L + n), 1_000);
                    grown.add(g);
                }
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int offset = t;
                    done.add(pool.submit(() -> {
                        for (int i = offset; i < grown.size(); i += 2) {
                            grown.get(i).column("brand");
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                for (EventRun each : grown) {
                    assertColumn(each, "brand");
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
