package io.tsunagu.rules.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tsunagu.rules.RuleLoadException;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.RuleSetLoader;
import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.Problem;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rule sets and events for tests, written as YAML text. */
public final class TestRules {

    /** 2026-11-20T01:00:00Z, a Friday, 10:00 in Tokyo. */
    public static final long NOW = Instant.parse("2026-11-20T01:00:00Z").toEpochMilli();
    public static final long HOUR = 3_600_000L;
    public static final long DAY = 24 * HOUR;

    private TestRules() {
    }

    /** Compiles one rule file; fails the test with every error if it does not load. */
    public static RuleSet rules(String yaml) {
        try {
            return RuleSetLoader.fromStrings(Map.of("rules.yaml", yaml));
        } catch (RuleLoadException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The errors of rule files that must not load, each as "file:line:column: message". */
    public static List<String> errors(Map<String, String> files) {
        RuleLoadException e = assertThrows(RuleLoadException.class, () -> RuleSetLoader.fromStrings(files));
        return e.errors().stream().map(Problem::toString).toList();
    }

    public static List<String> errors(String yaml) {
        return errors(Map.of("rules.yaml", yaml));
    }

    /** An event {@code ago} milliseconds before {@link #NOW}, with alternating key/value properties. */
    public static Event event(String type, long ago, Object... props) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        return new Event(type + "-" + ago + "-" + p.hashCode(), type, NOW - ago, p);
    }
}
