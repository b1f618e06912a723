package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberOrderTest {

    @TempDir
    Path temp;

    /** Rows of a time-ordered export: members at random, the row number in the event id. */
    static List<MemberOrder.Row> rows(int n, int members) {
        Random r = new Random(3);
        List<MemberOrder.Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String pid = "M-" + r.nextInt(members);
            out.add(new MemberOrder.Row(pid, new StoredEvent("pos:" + i, "purchase", 1_000L * i,
                    "{\"brand\":\"花鳥風月\",\"n\":" + i + "}\u001ebrand=花鳥風月\u001eamount=" + i)));
        }
        return out;
    }

    static List<MemberOrder.Row> read(MemberOrder order) throws IOException {
        List<MemberOrder.Row> out = new ArrayList<>();
        MemberOrder.Cursor c = order.rows();
        for (MemberOrder.Row r; (r = c.next()) != null;) {
            out.add(r);
        }
        assertNull(c.next(), "the end stays the end");
        return out;
    }

    /**
     * Checks the order: the same rows, each member's together and in file order (the rows' event ids
     * carry their line numbers).
     */
    static void assertMemberOrder(List<MemberOrder.Row> rows, List<MemberOrder.Row> read) {
        assertEquals(new java.util.HashSet<>(rows), new java.util.HashSet<>(read), "the same rows");
        assertEquals(rows.size(), read.size());
        java.util.Set<String> finished = new java.util.HashSet<>();
        for (int i = 0; i < read.size(); i++) {
            MemberOrder.Row r = read.get(i);
            if (i > 0 && read.get(i - 1).pid().equals(r.pid())) {
                assertTrue(line(read.get(i - 1)) < line(r), "in file order within " + r.pid());
            } else {
                assertTrue(finished.add(r.pid()), r.pid() + "'s rows are not all together");
            }
        }
    }

    private static int line(MemberOrder.Row r) {
        return Integer.parseInt(r.event().id().substring("pos:".length()));
    }

    @Test
    void idsOfEqualHash_stillComeBackEachTogether_inFileOrder() throws IOException {
        // "AaAa", "AaBB", "BBAa" and "BBBB" share String's hash; "M-1" does not.
        List<String> ids = List.of("AaAa", "BBBB", "M-1", "AaBB", "BBAa");
        assertEquals("AaAa".hashCode(), "BBBB".hashCode());
        assertEquals("AaAa".hashCode(), "BBAa".hashCode());
        Random r = new Random(5);
        List<MemberOrder.Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(new MemberOrder.Row(ids.get(r.nextInt(ids.size())), new StoredEvent("pos:" + i, "purchase", i, "{}")));
        }
        assertMemberOrder(rows, MemberOrder.byPid(rows));
        // and through runs on disk and their merge
        try (MemberOrder order = new MemberOrder(20_000, temp)) {
            for (MemberOrder.Row row : rows) {
                order.add(row.pid(), row.event());
            }
            assertTrue(order.runs() > 1, "spilled " + order.runs());
            assertMemberOrder(rows, read(order));
        }
    }

    @Test
    void withinTheBudget_rowsComeBackByMember_inFileOrder_withoutTouchingTheDisk() throws IOException {
        List<MemberOrder.Row> rows = rows(500, 40);
        try (MemberOrder order = new MemberOrder(MemberOrder.DEFAULT_BUDGET, temp)) {
            for (MemberOrder.Row r : rows) {
                order.add(r.pid(), r.event());
            }
            assertEquals(500, order.size());
            assertEquals(0, order.runs());
            assertMemberOrder(rows, read(order));
            assertEquals(List.of(), list(temp));
        }
    }

    @Test
    void beyondTheBudget_runsAreWrittenAndMerged_intoTheSameOrder_andNeverLeftInTheDirectory() throws IOException {
        List<MemberOrder.Row> rows = rows(5_000, 300);
        MemberOrder order = new MemberOrder(20_000, temp); // a run every ~40 rows
        for (MemberOrder.Row r : rows) {
            order.add(r.pid(), r.event());
        }
        assertTrue(order.runs() > 50, "runs: " + order.runs());
        assertEquals(List.of(), list(temp), "runs leave the directory once open: a killed import leaves none");
        List<MemberOrder.Row> read = read(order);
        assertMemberOrder(rows, read); // whole events, read back from the runs
        order.close();
        assertEquals(List.of(), list(temp));
    }

    @Test
    void closedBeforeReading_asWhenAFileIsRejected_leavesNothingBehind() throws IOException {
        MemberOrder order = new MemberOrder(1_000, temp);
        for (MemberOrder.Row r : rows(200, 10)) {
            order.add(r.pid(), r.event());
        }
        assertTrue(order.runs() > 0);
        order.close();
        assertEquals(List.of(), list(temp));
    }

    @Test
    void noRows_readsAsEmpty() throws IOException {
        try (MemberOrder order = new MemberOrder(1_000, temp)) {
            assertEquals(List.of(), read(order));
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
