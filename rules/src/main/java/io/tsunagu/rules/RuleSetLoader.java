package io.tsunagu.rules;

import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads a directory of rule files into a {@link RuleSet}: every {@code *.yaml} / {@code *.yml} below
 * it, in path order, except fixtures ({@code *.test.yaml}) and hidden files. All problems of all
 * files are reported together, each as {@code file:line:column: message}.
 */
public final class RuleSetLoader {

    private RuleSetLoader() {
    }

    public static RuleSet load(Path dir) throws RuleLoadException {
        if (!Files.isDirectory(dir)) {
            throw single(dir.toString(), "no such directory");
        }
        List<Path> paths;
        try {
            paths = ruleFiles(dir);
        } catch (IOException e) {
            throw single(dir.toString(), "cannot list: " + e.getMessage());
        }
        Problems problems = new Problems();
        List<SourceFile> files = new ArrayList<>();
        for (Path p : paths) {
            String text = readUtf8(p, problems);
            if (text != null) {
                files.add(new SourceFile(p.toString(), text, p.getParent()));
            }
        }
        if (problems.hasErrors()) {
            throw new RuleLoadException(problems.errors(), problems.warnings());
        }
        return new RuleSetCompiler().compile(files, new DiskListFiles(dir));
    }

    /** Compiles rule files given as text (name to YAML); list files are not available. */
    public static RuleSet fromStrings(Map<String, String> files) throws RuleLoadException {
        List<SourceFile> sources = new ArrayList<>();
        files.forEach((name, text) -> sources.add(new SourceFile(name, text, null)));
        return new RuleSetCompiler().compile(sources, new DiskListFiles(null));
    }

    /** The rule files of a directory, in path order. */
    public static List<Path> ruleFiles(Path dir) throws IOException {
        return yamlFiles(dir, false);
    }

    /** The fixture files ({@code *.test.yaml}) of a directory, in path order. */
    public static List<Path> fixtureFiles(Path dir) throws IOException {
        return yamlFiles(dir, true);
    }

    private static List<Path> yamlFiles(Path dir, boolean fixtures) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
                        boolean fixture = n.endsWith(".test.yaml") || n.endsWith(".test.yml");
                        return yaml && fixture == fixtures;
                    })
                    .sorted()
                    .toList();
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Reads a file as UTF-8 (a byte-order mark is dropped); null, with a problem, when it is not. */
    static String readUtf8(Path p, Problems problems) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (IOException e) {
            problems.error(new Loc(p.toString(), 0, 0), "cannot read: " + e.getMessage());
            return null;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            problems.error(SourceReader.notUtf8(p.toString(), bytes), "not UTF-8 text; save the file as UTF-8");
        }
        return null;
    }

    private static RuleLoadException single(String file, String message) {
        return new RuleLoadException(List.of(new Problem(new Loc(file, 0, 0), message)), List.of());
    }

    /** List files next to the rule file that names them. */
    private static final class DiskListFiles implements RuleSetCompiler.ListFiles {
        private final StringBuilder contents = new StringBuilder();
        /** The rules directory; a list file must be inside it (null: no directory, no list files). */
        private final Path root;

        DiskListFiles(Path root) {
            this.root = root == null ? null : root.toAbsolutePath().normalize();
        }

        @Override
        public List<String> read(SourceFile from, String name, Loc loc, Problems problems) {
            if (from.dir() == null) {
                problems.error(loc, "list file \"" + name + "\" cannot be read here (no rules directory)");
                return null;
            }
            Path p = from.dir().resolve(name);
            // Rules come from marketers, the files beside them from the same hands: a list must not read
            // the server's own files (/proc/self/environ, ../tsunagu.yaml) into ids a rule can test.
            if (root == null || !p.toAbsolutePath().normalize().startsWith(root)) {
                problems.error(loc, "list file \"" + name + "\" is outside the rules directory; keep list files beside the rules");
                return null;
            }
            if (!Files.isRegularFile(p)) {
                problems.error(loc, "list file \"" + name + "\" not found (looked for " + p + ")");
                return null;
            }
            String text = readUtf8(p, problems);
            if (text == null) {
                return null;
            }
            contents.append(name).append('\0').append(text).append('\0');
            return text.lines().toList();
        }

        @Override
        public String contents() {
            return contents.toString();
        }
    }
}
