package io.tsunagu.rules;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.source.Loc;
import java.util.List;

/** A named condition over attributes, traits, lists and other segments. */
public record Segment(String id, String description, Condition when, List<String> dependsOn, Loc loc) {

    public Segment {
        dependsOn = List.copyOf(dependsOn);
    }
}
