package io.tsunagu.rules.trait;

import io.tsunagu.rules.condition.Path;
import io.tsunagu.rules.profile.Aggregates;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.EventRun;
import io.tsunagu.rules.profile.Profile;

/**
 * The time range a trait reads, {@code [start, now]}, split into the part the retained events cover
 * exactly and, when older events of the type were trimmed, a part read from daily aggregates.
 *
 * <p>For a trimmed type with retained-from time r, the events a window misses are exactly the trimmed
 * ones, all older than r, and the daily aggregates hold exactly the trimmed events: summing them over
 * the days from the window's first day to day(r) gives the trimmed part. Only the window's first day
 * is approximate (whole day counted).
 */
final class Window {

    static final long DAY = 86_400_000L;

    final long start;
    final long now;
    final int fromDay;
    /** Index range of retained events inside [start, now], in {@link #events}. */
    final int lo;
    final int hi;
    /** The retained events are {@code events[first, end)}; read nothing outside. */
    final Event[] events;
    /** Their times, slot for slot. */
    final long[] times;
    private final EventRun run;
    private final int first;
    private final int end;
    /** Whether trimmed events fall inside the window. */
    final boolean trimmed;
    /** The last day that may hold trimmed events. */
    final int trimmedToDay;

    Window(Profile p, String type, long within, long now) {
        this.now = now;
        this.start = within < 0 ? Long.MIN_VALUE : now - within;
        this.fromDay = within < 0 ? Integer.MIN_VALUE : Aggregates.day(start);
        EventRun run = p.run(type);
        this.run = run;
        this.events = run.buffer();
        this.times = run.times();
        this.first = run.from();
        this.end = run.to();
        this.lo = lowerBound(start);
        this.hi = upperBound(now);
        long r = p.retainedFrom(type);
        this.trimmed = r != Long.MIN_VALUE && start < r;
        this.trimmedToDay = trimmed ? Aggregates.day(r) : Integer.MIN_VALUE;
    }

    /**
     * The values of {@code prop} slot for slot with {@link #events} ({@link EventRun#column}) when every
     * event counts and the value is one of its fields; else null, and the caller reads the events.
     */
    Object[] column(EventSelector selector, Path prop) {
        return !selector.hasWhere() && prop.length() == 1 ? run.column(prop.part(0)) : null;
    }

    /** First index whose ts is {@code >= ts}. */
    private int lowerBound(long ts) {
        int lo = first;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index whose ts is {@code > ts}. */
    private int upperBound(long ts) {
        int lo = first;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static long dayStart(int day) {
        return day * DAY;
    }
}
