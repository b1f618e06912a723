package io.tsunagu.rules;

import io.tsunagu.rules.source.Problem;
import java.util.List;

/** A rule set that did not load, with every error found (and the warnings) in file, line, column order. */
public final class RuleLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> errors;
    private final transient List<Problem> warnings;

    public RuleLoadException(List<Problem> errors, List<Problem> warnings) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(warnings);
    }

    public List<Problem> errors() {
        return errors;
    }

    public List<Problem> warnings() {
        return warnings;
    }

    private static String summary(List<Problem> errors) {
        StringBuilder sb = new StringBuilder();
        sb.append(errors.size()).append(errors.size() == 1 ? " error" : " errors").append(" in rules");
        for (Problem p : errors) {
            sb.append('\n').append(p);
        }
        return sb.toString();
    }
}
