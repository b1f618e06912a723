package io.tsunagu.rules.profile;

import java.util.Arrays;

/**
 * The columns of one event buffer: for each field name asked for, the events' values slot for slot,
 * filled from the start up to the furthest slot asked for. The runs over the buffer share them as they
 * share the buffer.
 *
 * <p>Safe without locks on the read path: a slot is filled only after its event is final (only up to
 * the end of a run, which was published after its events were written), every filler writes the same
 * value into a slot, and the filled count is written after the values and read before them. A count
 * that goes backwards (two fillers racing) only makes a later reader fill slots again.
 */
final class Columns {

    private static final class Column {
        final String name;
        final Object[] values;
        volatile int filled;

        Column(String name, int length) {
            this.name = name;
            this.values = new Object[length];
        }
    }

    private volatile Column[] all = new Column[0];

    /** The column of {@code name} over {@code buffer}, filled at least up to {@code to}. */
    Object[] get(String name, Event[] buffer, int to) {
        Column c = find(name);
        if (c == null) {
            c = add(name, buffer.length);
        }
        int filled = c.filled;
        if (filled < to) {
            Object[] values = c.values;
            for (int i = filled; i < to; i++) {
                values[i] = buffer[i].field(name);
            }
            c.filled = to;
        }
        return c.values;
    }

    private Column find(String name) {
        Column[] a = all;
        for (Column c : a) {
            if (c.name == name) {
                return c;
            }
        }
        for (Column c : a) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        return null;
    }

    private synchronized Column add(String name, int length) {
        Column c = find(name);
        if (c == null) {
            c = new Column(name, length);
            Column[] a = Arrays.copyOf(all, all.length + 1);
            a[a.length - 1] = c;
            all = a;
        }
        return c;
    }
}
