package io.tsunagu.rules.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds {@code ../shared} (conformance data and datasets, kept beside the repository, not in it):
 * from {@code TSUNAGU_SHARED} if set, else by walking up from the working directory.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    public static Path path(String relative) {
        String env = System.getenv("TSUNAGU_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env).resolve(relative);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find shared/" + relative + " above " + Path.of("").toAbsolutePath()
                + "; set TSUNAGU_SHARED to the shared directory");
    }
}
