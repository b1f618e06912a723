package io.tsunagu.rules.source;

/** One thing wrong (or suspicious) in a rule file, with where it was written. */
public record Problem(Loc loc, String message) {

    @Override
    public String toString() {
        return loc.line() > 0 || !loc.file().isEmpty() ? loc + ": " + message : message;
    }
}
