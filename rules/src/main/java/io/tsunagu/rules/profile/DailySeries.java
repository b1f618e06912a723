package io.tsunagu.rules.profile;

import java.util.Arrays;

/**
 * Values per day (UTC epoch day), ascending by day: the compact history that keeps long windows
 * cheap after old events have left the profile.
 */
public final class DailySeries {

    /** Returned by {@link #firstDay} and {@link #lastDay} when no day qualifies. */
    public static final int NONE = Integer.MIN_VALUE;

    private final int[] days;
    private final double[] values;

    DailySeries(int[] days, double[] values) {
        this.days = days;
        this.values = values;
    }

    /** This series with one update applied on {@code day}, as a new series. */
    DailySeries with(int day, AggregateUpdate u) {
        int i = java.util.Arrays.binarySearch(days, day);
        if (i >= 0) {
            double[] v = values.clone();
            v[i] = switch (u.op()) {
                case ADD -> v[i] + u.value();
                case MIN -> Math.min(v[i], u.value());
                case MAX -> Math.max(v[i], u.value());
            };
            return new DailySeries(days, v);
        }
        int at = -i - 1;
        int[] d = new int[days.length + 1];
        double[] v = new double[values.length + 1];
        System.arraycopy(days, 0, d, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        d[at] = day;
        v[at] = u.value();
        System.arraycopy(days, at, d, at + 1, days.length - at);
        System.arraycopy(values, at, v, at + 1, values.length - at);
        return new DailySeries(d, v);
    }

    public int size() {
        return days.length;
    }

    public int day(int i) {
        return days[i];
    }

    public double value(int i) {
        return values[i];
    }

    /** The value on {@code day}, or 0. */
    public double on(int day) {
        int i = Arrays.binarySearch(days, day);
        return i >= 0 ? values[i] : 0;
    }

    /** Index of the first day {@code >= day}. */
    public int indexFrom(int day) {
        int i = Arrays.binarySearch(days, day);
        return i >= 0 ? i : -i - 1;
    }

    /** Sum of values over days in {@code [from, to]}. */
    public double sum(int from, int to) {
        double s = 0;
        for (int i = indexFrom(from); i < days.length && days[i] <= to; i++) {
            s += values[i];
        }
        return s;
    }

    /** Smallest value over days in {@code [from, to]}, or NaN when none. */
    public double min(int from, int to) {
        double m = Double.NaN;
        for (int i = indexFrom(from); i < days.length && days[i] <= to; i++) {
            if (Double.isNaN(m) || values[i] < m) {
                m = values[i];
            }
        }
        return m;
    }

    /** Largest value over days in {@code [from, to]}, or NaN when none. */
    public double max(int from, int to) {
        double m = Double.NaN;
        for (int i = indexFrom(from); i < days.length && days[i] <= to; i++) {
            if (Double.isNaN(m) || values[i] > m) {
                m = values[i];
            }
        }
        return m;
    }

    /** The first day in {@code [from, to]} with a non-zero value, or {@link #NONE}. */
    public int firstDay(int from, int to) {
        for (int i = indexFrom(from); i < days.length && days[i] <= to; i++) {
            if (values[i] != 0) {
                return days[i];
            }
        }
        return NONE;
    }

    /** The last day in {@code [from, to]} with a non-zero value, or {@link #NONE}. */
    public int lastDay(int from, int to) {
        int last = NONE;
        for (int i = indexFrom(from); i < days.length && days[i] <= to; i++) {
            if (values[i] != 0) {
                last = days[i];
            }
        }
        return last;
    }
}
