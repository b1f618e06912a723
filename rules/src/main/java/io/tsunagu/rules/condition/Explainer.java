package io.tsunagu.rules.condition;

import java.util.List;
import java.util.function.Function;

/** Finds the first clause of a condition that fails on a document. Slow path: only for explanations. */
public final class Explainer {

    private Explainer() {
    }

    /**
     * @param causes given a failed field clause, failures that explain it further (may return an empty list)
     * @return null when the condition holds
     */
    public static Failure firstFailure(Condition c, Object document, Function<Condition.Field, List<Failure>> causes) {
        if (c.test(document)) {
            return null;
        }
        if (c instanceof Condition.And and) {
            for (Condition part : and.parts()) {
                Failure f = firstFailure(part, document, causes);
                if (f != null) {
                    return f;
                }
            }
        }
        if (c instanceof Condition.Field field) {
            return new Failure(field.loc(), field.text(), field.path().resolve(document), causes.apply(field));
        }
        return new Failure(c.loc(), c.text(), Failure.NOT_A_FIELD, List.of());
    }
}
