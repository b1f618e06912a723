package io.tsunagu.server.config;

import java.util.List;

/** Settings that cannot be used; each problem names the setting (file:line:column or the variable). */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
