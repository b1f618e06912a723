package io.tsunagu.rules.source;

/**
 * Where a value was written: file, line and column, all as a user would count them (1-based).
 * Prints as {@code file:line:column}, the form editors and terminals turn into links.
 */
public record Loc(String file, int line, int column) {

    public static final Loc NONE = new Loc("", 0, 0);

    @Override
    public String toString() {
        if (line <= 0) {
            return file;
        }
        return file + ":" + line + ":" + column;
    }
}
