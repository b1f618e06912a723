package io.tsunagu.loader.feed;

/**
 * How many bad rows a file may have and still be imported (its good rows): a share of the rows
 * ({@code 1%}) or a count ({@code 10}). Zero: any bad row rejects the file.
 */
public record BadRowLimit(double share, long count) {

    public static final BadRowLimit NONE = new BadRowLimit(Double.NaN, 0);

    public static BadRowLimit ofShare(double share) {
        return new BadRowLimit(share, -1);
    }

    public static BadRowLimit ofCount(long count) {
        return new BadRowLimit(Double.NaN, count);
    }

    /** Whether {@code bad} rejected rows out of {@code rows} are within the limit. */
    public boolean allows(long bad, long rows) {
        if (bad == 0) {
            return true;
        }
        if (count >= 0) {
            return bad <= count;
        }
        return rows > 0 && bad <= share * rows;
    }

    @Override
    public String toString() {
        return count >= 0 ? Long.toString(count) : (share * 100) + "%";
    }
}
