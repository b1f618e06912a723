package io.tsunagu.rules.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kept events of one type, oldest first: {@code buffer[from, to)}. Immutable as seen by its
 * readers, but snapshots share buffers: adding the newest event to a run whose buffer has room
 * writes the next free slot and returns a longer run over the same buffer, so a page view costs its
 * event and a few small objects, not a copy of the 200 events before it. A near-cache replaces
 * profiles on every page view; what the new snapshot does not share outlives the request and has to
 * be copied by the garbage collector, which is what limits latency under load.
 *
 * <p>Each buffer remembers how far it has been written; only a run that ends there may write the next
 * slot (an older snapshot that branches off copies instead). Readers of a run never look past its end,
 * and a longer run reaches other threads only through a safe publication (the cache), after the write.
 */
public final class EventRun {

    static final EventRun EMPTY = new EventRun(new Event[0], new int[0], new long[0], 0, 0, new AtomicInteger(),
            new Columns());

    private final Event[] buffer;
    /**
     * The hash of each event's id, slot for slot with {@link #buffer}: {@link #containsId} scans this
     * array instead of following each event to its id (a cache miss or two per event on a busy
     * server, where the 200 page views of a profile are rarely in the CPU's caches).
     */
    private final int[] idHashes;
    /** Each event's time, slot for slot with {@link #buffer}: windows are found without reaching the events. */
    private final long[] times;
    private final int from;
    private final int to;
    /** How far {@link #buffer} has been written, by any run over it. */
    private final AtomicInteger written;
    /** Property values slot for slot with {@link #buffer}, as traits ask for them; shared like the buffer. */
    private final Columns columns;

    private EventRun(Event[] buffer, int[] idHashes, long[] times, int from, int to, AtomicInteger written,
            Columns columns) {
        this.buffer = buffer;
        this.idHashes = idHashes;
        this.times = times;
        this.from = from;
        this.to = to;
        this.written = written;
        this.columns = columns;
    }

    static EventRun of(Event[] events) {
        if (events.length == 0) {
            return EMPTY;
        }
        int[] hashes = new int[events.length];
        long[] times = new long[events.length];
        for (int i = 0; i < events.length; i++) {
            hashes[i] = idHash(events[i]);
            times[i] = events[i].ts();
        }
        return new EventRun(events, hashes, times, 0, events.length, new AtomicInteger(events.length), new Columns());
    }

    private static int idHash(Event e) {
        return e.id() == null ? 0 : e.id().hashCode();
    }

    /** The backing array: read only indexes {@code [from(), to())}. */
    public Event[] buffer() {
        return buffer;
    }

    /** The events' times (epoch ms), slot for slot with {@link #buffer()}: read only {@code [from(), to())}. */
    public long[] times() {
        return times;
    }

    /**
     * The value of field {@code name} ({@link Event#field}) of each event, slot for slot with
     * {@link #buffer()}: read only {@code [from(), to())}. A scan over one property reads this array
     * and the values instead of following each event to its properties — on a busy server, where a
     * profile's events are rarely in the CPU's caches, that is several cache misses per event. Made
     * the first time a run over this buffer asks, then extended as runs grow; shared, like the buffer.
     */
    public Object[] column(String name) {
        return columns.get(name, buffer, to);
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    public int size() {
        return to - from;
    }

    public boolean isEmpty() {
        return to == from;
    }

    /** The events as an array of their own. */
    public Event[] toArray() {
        return from == 0 && to == buffer.length ? buffer : Arrays.copyOfRange(buffer, from, to);
    }

    boolean containsId(String id) {
        int h = id.hashCode();
        for (int i = to - 1; i >= from; i--) {
            if (idHashes[i] == h && id.equals(buffer[i].id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * This run with {@code e} inserted in time order, keeping at most {@code keep} events (the oldest
     * go).
     */
    EventRun plus(Event e, int keep) {
        int n = to - from;
        boolean newest = n == 0 || buffer[to - 1].ts() <= e.ts();
        if (newest && to < buffer.length && written.compareAndSet(to, to + 1)) {
            buffer[to] = e;
            idHashes[to] = idHash(e);
            times[to] = e.ts();
            return new EventRun(buffer, idHashes, times, Math.max(from, to + 1 - keep), to + 1, written, columns);
        }
        int kept = Math.min(n + 1, keep);
        // Room to grow: the next appends share this buffer until it is full.
        Event[] next = new Event[Math.max(kept, Math.min(Math.max(8, kept * 2), keep * 2))];
        int[] nextHashes = new int[next.length];
        long[] nextTimes = new long[next.length];
        int at = to;
        while (at > from && buffer[at - 1].ts() > e.ts()) {
            at--;
        }
        int w = kept;
        for (int i = to; i >= from && w > 0; i--) {
            // i == at: the new event; indexes above at shift by one
            if (i == at) {
                next[--w] = e;
                nextHashes[w] = idHash(e);
                nextTimes[w] = e.ts();
            }
            if (i > from && w > 0) {
                next[--w] = buffer[i - 1];
                nextHashes[w] = idHashes[i - 1];
                nextTimes[w] = times[i - 1];
            }
        }
        return new EventRun(next, nextHashes, nextTimes, 0, kept, new AtomicInteger(kept), new Columns());
    }

    /**
     * The events {@link #plus} dropped going from {@code before} to {@code after} by adding
     * {@code added} — the oldest of them, the added one included if it was older than all it had to
     * beat — oldest first; usually none or one (more only when the limit was lowered).
     */
    static List<Event> dropped(EventRun before, EventRun after, Event added) {
        int dropped = before.size() + 1 - after.size();
        if (dropped <= 0) {
            return List.of();
        }
        Event[] b = before.buffer;
        List<Event> out = new ArrayList<>(dropped);
        int i = before.from;
        boolean addedTaken = false;
        while (out.size() < dropped) {
            if (!addedTaken && (i >= before.to || added.ts() < b[i].ts())) {
                out.add(added);
                addedTaken = true;
            } else {
                out.add(b[i++]);
            }
        }
        return out;
    }
}
