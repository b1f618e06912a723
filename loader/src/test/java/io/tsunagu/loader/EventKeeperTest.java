package io.tsunagu.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventKeeperTest {

    @TempDir
    Path temp;

    static Event event(int i) {
        return Event.unshared("pos:" + i, "purchase", 1_000L * i, Map.of("brand", "花鳥風月", "amount", (double) i));
    }

    @Test
    void everyRowAdded_isKept_encoded_inMemberOrder() throws IOException {
        List<MemberOrder.Row> added = new ArrayList<>();
        try (MemberOrder order = new MemberOrder(30_000, temp)) { // runs written on the keeper's thread too
            try (EventKeeper keeper = new EventKeeper(order, ProfilePolicy.DEFAULT)) {
                for (int i = 0; i < 5_500; i++) {
                    String pid = "M-" + (i * 7919 % 300);
                    Event e = event(i);
                    keeper.add(pid, e);
                    added.add(new MemberOrder.Row(pid, StoredEvent.of(e, ProfilePolicy.DEFAULT)));
                }
                keeper.finish();
            }
            assertEquals(5_500, order.size());
            assertTrue(order.runs() > 0);
            MemberOrderTest.assertMemberOrder(added, MemberOrderTest.read(order));
        }
    }

    @Test
    void closedWithoutFinishing_asForARejectedFile_stopsItsThread() throws IOException {
        try (MemberOrder order = new MemberOrder(MemberOrder.DEFAULT_BUDGET, temp)) {
            EventKeeper keeper = new EventKeeper(order, ProfilePolicy.DEFAULT);
            for (int i = 0; i < 20_000; i++) {
                keeper.add("M-" + i % 50, event(i));
            }
            keeper.close();
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("tsunagu-event-keeper")),
                    "the keeper's thread has ended");
            assertTrue(order.size() <= 20_000);
        }
    }

    @Test
    void aFailureToKeep_isThrownByFinish() throws IOException {
        // Runs cannot be written where there is no directory.
        try (MemberOrder order = new MemberOrder(1_000, temp.resolve("gone"))) {
            EventKeeper keeper = new EventKeeper(order, ProfilePolicy.DEFAULT);
            for (int i = 0; i < 3_000; i++) {
                keeper.add("M-" + i % 50, event(i));
            }
            IOException e = assertThrows(IOException.class, keeper::finish);
            assertTrue(e.getMessage().startsWith("cannot write the rows waiting for the apply pass to " + temp.resolve("gone")),
                    e.getMessage());
            keeper.close();
        }
    }
}
