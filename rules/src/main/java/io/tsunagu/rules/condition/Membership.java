package io.tsunagu.rules.condition;

import java.util.AbstractList;

/**
 * The {@code segments} value of a decision document: a list of segment ids that can also answer
 * "is the visitor in segment X?" by evaluating only X (and what X builds on). Conditions that name
 * segments ({@link ValueCondition.Member}) ask that; anything else reads the whole list, which
 * evaluates every segment.
 */
public abstract class Membership extends AbstractList<String> {

    /** Whether the visitor is in the segment, evaluating it (once) if needed. */
    public abstract boolean has(String segment);
}
