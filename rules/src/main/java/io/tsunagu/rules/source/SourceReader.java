package io.tsunagu.rules.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON text into a {@link Node} tree that keeps the location of every key and value.
 *
 * <p>Scalars follow the YAML 1.2 core schema, not YAML 1.1: {@code no}, {@code on}, {@code yes} stay
 * strings (a country list {@code [NO, SE]} must not turn Norway into {@code false}), and numbers with
 * a leading zero ({@code 012}), underscores or a hex prefix stay strings too, because in retail data
 * they are codes, not quantities. Only {@code true}/{@code false}, {@code null}/{@code ~} and plain
 * decimal numbers are typed.
 */
public final class SourceReader {

    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private static final int MAX_DEPTH = 200;
    // The builder leaves EMPTY_STRING_AS_NULL off (new YAMLFactory() has it on): without it `key:` reads
    // as "" where YAML 1.2 says null.
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private SourceReader() {
    }

    /** Where the first byte that is not UTF-8 is (the column counts characters before it on its line). */
    public static Loc notUtf8(String file, byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        d.decode(in, out, true);
        int line = 1;
        int column = 1;
        for (int i = 0; i < out.position(); i++) {
            if (out.get(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Loc(file, line, column);
    }

    /** Parses YAML; returns null (and records the problem) when the text is not valid YAML. */
    public static Node readYaml(String file, String text, Problems problems) {
        JsonParser p = null;
        try (JsonParser parser = YAML.createParser(text)) {
            p = parser;
            return readDocument(file, parser, problems, true);
        } catch (StreamConstraintsException e) {
            problems.error(at(file, p.currentTokenLocation()), "not valid YAML: nested more than " + MAX_DEPTH + " levels deep");
            return null;
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                // SnakeYAML's own message spans lines with snippets; say it on one line, at the problem.
                String context = m.getContext() == null || m.getContextMark() == null ? ""
                        : " (" + m.getContext() + " at line " + (m.getContextMark().getLine() + 1) + ", column "
                                + (m.getContextMark().getColumn() + 1) + ")";
                problems.error(new Loc(file, m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1),
                        "not valid YAML: " + m.getProblem() + context);
            } else {
                problems.error(at(file, e.getLocation()), "not valid YAML: " + oneLine(e.getOriginalMessage()));
            }
            return null;
        } catch (IOException e) {
            problems.error(new Loc(file, 0, 0), "cannot read: " + e.getMessage());
            return null;
        }
    }

    /** Parses JSON; returns null (and records the problem) when the text is not valid JSON. */
    public static Node readJson(String file, String text, Problems problems) {
        JsonParser p = null;
        try (JsonParser parser = JSON.createParser(text)) {
            p = parser;
            return readDocument(file, parser, problems, false);
        } catch (StreamConstraintsException e) {
            problems.error(at(file, p.currentTokenLocation()), "not valid JSON: nested more than " + MAX_DEPTH + " levels deep");
            return null;
        } catch (JsonProcessingException e) {
            problems.error(at(file, e.getLocation()), "not valid JSON: " + oneLine(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            problems.error(new Loc(file, 0, 0), "cannot read: " + e.getMessage());
            return null;
        }
    }

    private static Node readDocument(String file, JsonParser p, Problems problems, boolean yaml)
            throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            return null;
        }
        boolean[] aliased = new boolean[1];
        Node root = read(file, p, problems, yaml, aliased);
        if (aliased[0]) {
            return null;
        }
        if (p.nextToken() != null) {
            problems.error(at(file, p.currentTokenLocation()), "expected one document, found more");
        }
        return root;
    }

    /** @param aliased set when an alias was found (reported once; the document is then not used) */
    private static Node read(String file, JsonParser p, Problems problems, boolean yaml, boolean[] aliased)
            throws IOException {
        Loc loc = at(file, p.currentTokenLocation());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node.Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Loc keyLoc = at(file, p.currentTokenLocation());
                    p.nextToken();
                    Node value = read(file, p, problems, yaml, aliased);
                    Node.Entry previous = entries.get(key);
                    if (previous != null) {
                        problems.error(keyLoc, "duplicate key \"" + key + "\" (first at line "
                                + previous.keyLoc().line() + ")");
                        continue;
                    }
                    entries.put(key, new Node.Entry(key, keyLoc, value));
                }
                return new Node.MapNode(loc, entries);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(file, p, problems, yaml, aliased));
                }
                return new Node.ListNode(loc, items);
            }
            case VALUE_STRING -> {
                if (yaml && ((YAMLParser) p).isCurrentAlias()) {
                    // The parser gives an alias as its anchor's name; expanding it instead would let a few
                    // lines of nested aliases grow into billions of values.
                    if (!aliased[0]) {
                        problems.error(loc, "aliases (*" + p.getText() + ") are not supported in rule files; write the value out");
                        aliased[0] = true;
                    }
                    return new Node.Scalar(loc, null);
                }
                return new Node.Scalar(loc, p.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Node.Scalar(loc, yaml ? yamlNumber(p) : p.getNumberValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = p.getText();
                if (yaml && !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                    return new Node.Scalar(loc, text);
                }
                return new Node.Scalar(loc, t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                String text = p.getText();
                if (yaml && text != null && !text.isEmpty() && !text.equals("~") && !text.equalsIgnoreCase("null")) {
                    return new Node.Scalar(loc, text);
                }
                return new Node.Scalar(loc, null);
            }
            default -> {
                problems.error(loc, "unexpected " + t);
                return new Node.Scalar(loc, null);
            }
        }
    }

    /** A YAML number token, re-read by the YAML 1.2 core schema; anything else stays the written text. */
    private static Object yamlNumber(JsonParser p) throws IOException {
        String text = p.getText();
        if (INT.matcher(text).matches()) {
            return text.length() < 19 ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
        }
        if (FLOAT.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        return text;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static Loc at(String file, JsonLocation l) {
        if (l == null) {
            return new Loc(file, 0, 0);
        }
        return new Loc(file, l.getLineNr(), l.getColumnNr());
    }
}
