package io.tsunagu.store;

/** What storing a batch of events did: new events applied, repeats ignored, and too old to keep. */
public record ApplyResult(long applied, long duplicates, long tooOld) {

    public static final ApplyResult NONE = new ApplyResult(0, 0, 0);

    public ApplyResult plus(ApplyResult o) {
        return new ApplyResult(applied + o.applied, duplicates + o.duplicates, tooOld + o.tooOld);
    }
}
