package io.tsunagu.rules;

/**
 * One rule file's text. {@code name} is how messages refer to it (the path as the user gave it);
 * {@code dir} is where files it names (list files) are looked up, or null for text that has no
 * directory.
 */
public record SourceFile(String name, String text, java.nio.file.Path dir) {
}
