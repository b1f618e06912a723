package io.tsunagu.rules.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every error and warning of one load, so that a marketer sees all of them at once instead
 * of fixing one per run. Errors make the load fail; warnings are reported and the load goes on.
 */
public final class Problems {

    private static final Comparator<Problem> BY_PLACE = Comparator
            .comparing((Problem p) -> p.loc().file())
            .thenComparingInt(p -> p.loc().line())
            .thenComparingInt(p -> p.loc().column());

    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    public void error(Loc loc, String message) {
        errors.add(new Problem(loc, message));
    }

    public void warn(Loc loc, String message) {
        warnings.add(new Problem(loc, message));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int errorCount() {
        return errors.size();
    }

    /** Errors in file, line, column order. */
    public List<Problem> errors() {
        List<Problem> out = new ArrayList<>(errors);
        out.sort(BY_PLACE);
        return List.copyOf(out);
    }

    public List<Problem> warnings() {
        List<Problem> out = new ArrayList<>(warnings);
        out.sort(BY_PLACE);
        return List.copyOf(out);
    }
}
