package io.tsunagu.loader.feed;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.source.Loc;
import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.Shapes;
import io.tsunagu.rules.source.SourceReader;
import io.tsunagu.rules.source.Suggestions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a feeds file. Every mistake is reported with its file, line and column, all at once, and
 * nothing is imported from a feeds file with errors.
 */
public final class FeedsLoader {

    private static final List<String> FEED_KEYS = List.of("kind", "file", "encoding", "delimiter", "quote", "zone", "id",
            "event", "time", "key", "columns", "max_bad_rows", "pool");
    private static final List<String> COLUMN_KEYS = List.of("from", "value", "type", "format", "zone", "optional",
            "required");
    private static final List<String> KINDS = List.of("attributes", "events", "catalog", "coupons");
    private static final List<String> TYPES = List.of("string", "int", "decimal", "bool", "date", "timestamp");
    /** Product fields a catalog feed maps from same-named columns when it lists no columns. */
    private static final Map<String, Column.Type> CATALOG_FIELDS = catalogFields();

    /** A feeds file with errors. */
    public static final class FeedsException extends Exception {
        private final List<Problem> problems;

        FeedsException(List<Problem> problems) {
            super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
            this.problems = problems;
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    private FeedsLoader() {
    }

    private static Map<String, Column.Type> catalogFields() {
        Map<String, Column.Type> m = new LinkedHashMap<>();
        m.put("name", Column.Type.STRING);
        m.put("brand", Column.Type.STRING);
        m.put("category", Column.Type.STRING);
        m.put("price", Column.Type.DECIMAL);
        m.put("launched_at", Column.Type.DATE);
        m.put("url", Column.Type.STRING);
        m.put("image", Column.Type.STRING);
        m.put("active", Column.Type.BOOL);
        m.put("stock", Column.Type.INT);
        return m;
    }

    public static Map<String, Feed> load(Path file) throws IOException, FeedsException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(file.toString(), StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw new FeedsException(List.of(new Problem(SourceReader.notUtf8(file.toString(), bytes),
                    "not valid UTF-8: save the feeds file as UTF-8")));
        }
    }

    public static Map<String, Feed> parse(String file, String text) throws FeedsException {
        Problems problems = new Problems();
        Node root = SourceReader.readYaml(file, text, problems);
        Map<String, Feed> feeds = new LinkedHashMap<>();
        if (root == null && !problems.hasErrors()) {
            problems.error(new Loc(file, 1, 1), "the feeds file is empty: it needs a \"feeds:\" mapping of feed names to feeds");
        }
        if (root != null && !problems.hasErrors()) {
            Node.MapNode top = Shapes.map(root, "the feeds file", problems);
            if (top != null && Shapes.onlyKeys(top, List.of("feeds"), "the feeds file", problems)) {
                Node list = top.get("feeds");
                Node.MapNode byName = list == null ? null : Shapes.map(list, "feeds", problems);
                if (list == null) {
                    problems.error(top.loc(), "the feeds file needs a \"feeds:\" mapping of feed names to feeds");
                }
                if (byName != null) {
                    for (Node.Entry e : byName.entries().values()) {
                        if (!Shapes.NAME.matcher(e.key()).matches()) {
                            problems.error(e.keyLoc(), "bad feed name \"" + e.key() + "\": use letters, digits, _ and -");
                            continue;
                        }
                        Feed f = feed(e.key(), e.value(), problems);
                        if (f != null) {
                            feeds.put(e.key(), f);
                        }
                    }
                }
            }
        }
        if (problems.hasErrors()) {
            throw new FeedsException(problems.errors());
        }
        return feeds;
    }

    private static Feed feed(String name, Node node, Problems problems) {
        Node.MapNode m = Shapes.map(node, "feed " + name, problems);
        if (m == null || !Shapes.onlyKeys(m, FEED_KEYS, "feed " + name, problems)) {
            return null;
        }
        int before = problems.errorCount();
        String where = "feed " + name;
        Feed.Kind kind = null;
        if (!m.has("kind")) {
            problems.error(m.loc(), where + " needs a kind: one of " + String.join(", ", KINDS));
        } else {
            String k = Shapes.string(m.get("kind"), where + ": kind", problems);
            if (k != null && KINDS.contains(k)) {
                kind = Feed.Kind.valueOf(k.toUpperCase(Locale.ROOT));
            } else if (k != null) {
                problems.error(m.get("kind").loc(), where + ": unknown kind \"" + k + "\"; expected one of "
                        + String.join(", ", KINDS) + Suggestions.didYouMean(k, KINDS));
            }
        }
        String file = required(m, "file", where, problems);
        String encoding = m.has("encoding") ? Shapes.string(m.get("encoding"), where + ": encoding", problems) : "UTF-8";
        Charset charset = encoding == null ? null : charset(encoding, m.get("encoding"), where, problems);
        char delimiter = m.has("delimiter") ? oneChar(m.get("delimiter"), where + ": delimiter", ',', problems) : ',';
        char quote = m.has("quote") ? oneChar(m.get("quote"), where + ": quote", '"', problems) : '"';
        if (m.has("quote") && quote == delimiter) {
            problems.error(m.get("quote").loc(), where + ": quote must differ from the delimiter");
        }
        ZoneId zone = m.has("zone") ? zone(m.get("zone"), where, problems) : ZoneOffset.UTC;

        Column id = null;
        if (!m.has("id")) {
            problems.error(m.loc(), where + " needs an id: the column holding the "
                    + (kind == Feed.Kind.CATALOG ? "product id" : kind == Feed.Kind.COUPONS ? "coupon code"
                    : "customer's member id"));
        } else {
            id = column("id", m.get("id"), Column.Type.STRING, zone, where + ": id", problems);
            id = fromAColumn(id, where + ": id", problems);
        }
        String event = null;
        Column time = null;
        List<String> key = List.of();
        if (kind == Feed.Kind.EVENTS) {
            String e = required(m, "event", where, problems);
            if (e != null && !Event.TYPE.matcher(e).matches()) {
                problems.error(m.get("event").loc(), where + ": bad event type \"" + e
                        + "\": a letter, then letters, digits, _ and -");
            } else {
                event = e;
            }
            if (!m.has("time")) {
                problems.error(m.loc(), where + " needs a time: { from: COLUMN, format: \"yyyy/MM/dd HH:mm:ss\", zone: Asia/Tokyo }");
            } else {
                time = fromAColumn(column("time", m.get("time"), Column.Type.TIMESTAMP, zone, where + ": time", problems),
                        where + ": time", problems);
                Node.MapNode t = m.get("time") instanceof Node.MapNode tm ? tm : null;
                if (time != null && time.type() != Column.Type.TIMESTAMP && t != null && t.has("type")) {
                    problems.error(t.get("type").loc(), where + ": time: the type of a time is timestamp, found "
                            + time.type().label());
                    time = null;
                }
            }
            if (m.has("key")) {
                key = keyColumns(m.get("key"), where, problems);
            }
        } else {
            for (String k : List.of("event", "time", "key")) {
                if (m.has(k)) {
                    problems.error(m.entries().get(k).keyLoc(), where + ": \"" + k + "\" belongs to events feeds only");
                }
            }
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        if (m.has("columns")) {
            Node.MapNode cols = Shapes.map(m.get("columns"), where + ": columns", problems);
            if (cols != null) {
                for (Node.Entry e : cols.entries().values()) {
                    if (!Shapes.NAME.matcher(e.key()).matches()) {
                        problems.error(e.keyLoc(), where + ": bad column name \"" + e.key() + "\": use letters, digits, _ and -");
                        continue;
                    }
                    Column c = column(e.key(), e.value(), Column.Type.STRING, zone, where + ": column " + e.key(), problems);
                    if (c != null) {
                        columns.put(e.key(), c);
                    }
                }
            }
        } else if (kind == Feed.Kind.CATALOG) {
            CATALOG_FIELDS.forEach((field, type) -> columns.put(field,
                    new Column(field, field, null, type, null, zone, true, false, m.loc())));
        }
        BadRowLimit limit = m.has("max_bad_rows") ? limit(m.get("max_bad_rows"), where, problems) : BadRowLimit.NONE;
        String pool = null;
        if (kind == Feed.Kind.COUPONS) {
            pool = m.has("pool") ? Shapes.id(m.get("pool"), Shapes.NAME, where + ": pool", problems) : name;
            if (!columns.isEmpty()) {
                problems.error(m.entries().get("columns").keyLoc(), where + ": a coupons feed has only the code column (id)");
            }
        } else if (m.has("pool")) {
            problems.error(m.entries().get("pool").keyLoc(), where + ": \"pool\" belongs to coupons feeds only");
        }
        if (problems.errorCount() > before || kind == null || file == null || charset == null || id == null) {
            return null;
        }
        return new Feed(name, kind, file, encoding, charset, delimiter, quote, id, event, time, key,
                Collections.unmodifiableMap(columns), limit, pool, m.loc());
    }

    /** The id and the time are read from the file: a constant there is a mistake. */
    private static Column fromAColumn(Column c, String where, Problems problems) {
        if (c != null && c.from() == null) {
            problems.error(c.loc(), where + " must name a column of the file (from: COLUMN), not a constant");
            return null;
        }
        return c;
    }

    private static String required(Node.MapNode m, String key, String where, Problems problems) {
        if (!m.has(key)) {
            problems.error(m.loc(), where + " needs " + key);
            return null;
        }
        return Shapes.string(m.get(key), where + ": " + key, problems);
    }

    /** {@code COLUMN} or {@code { from: COLUMN, type, format, zone, optional, required }} or {@code { value: V }}. */
    private static Column column(String name, Node node, Column.Type defaultType, ZoneId feedZone, String where,
            Problems problems) {
        if (node instanceof Node.Scalar) {
            String from = Shapes.string(node, where, problems);
            return from == null ? null : new Column(name, from, null, defaultType, null, feedZone, false,
                    name.equals("id") || name.equals("time"), node.loc());
        }
        Node.MapNode m = Shapes.map(node, where, problems);
        if (m == null || !Shapes.onlyKeys(m, COLUMN_KEYS, where, problems)) {
            return null;
        }
        String from = m.has("from") ? Shapes.string(m.get("from"), where + ": from", problems) : null;
        Object constant = m.has("value") ? m.get("value").toPlain() : null;
        if ((from == null) == (constant == null)) {
            problems.error(m.loc(), where + " needs either \"from: COLUMN\" (a column of the file) or \"value: …\" (a constant)");
            return null;
        }
        Column.Type type = defaultType;
        if (m.has("type")) {
            String t = Shapes.string(m.get("type"), where + ": type", problems);
            if (t != null && TYPES.contains(t)) {
                type = Column.Type.valueOf(t.toUpperCase(Locale.ROOT));
            } else if (t != null) {
                problems.error(m.get("type").loc(), where + ": unknown type \"" + t + "\"; expected one of "
                        + String.join(", ", TYPES) + Suggestions.didYouMean(t, TYPES));
                return null;
            }
        }
        String format = null;
        if (m.has("format")) {
            format = Shapes.string(m.get("format"), where + ": format", problems);
            if (type != Column.Type.DATE && type != Column.Type.TIMESTAMP) {
                problems.error(m.get("format").loc(), where + ": a format is for date and timestamp columns; this one is "
                        + type.label());
            } else if (format != null) {
                try {
                    Column.formatter(format);
                } catch (IllegalArgumentException e) {
                    problems.error(m.get("format").loc(), where + ": bad format \"" + format + "\": " + e.getMessage());
                }
            }
        }
        ZoneId zone = m.has("zone") ? zone(m.get("zone"), where, problems) : feedZone;
        boolean optional = m.has("optional") && Shapes.bool(m.get("optional"), where + ": optional", false, problems);
        boolean required = m.has("required") ? Shapes.bool(m.get("required"), where + ": required", false, problems)
                : name.equals("id") || name.equals("time");
        return new Column(name, from, constant, type, format, zone, optional, required, m.loc());
    }

    private static List<String> keyColumns(Node node, String where, Problems problems) {
        List<String> out = new ArrayList<>();
        if (node instanceof Node.ListNode l) {
            for (Node n : l.items()) {
                String s = Shapes.string(n, where + ": key", problems);
                if (s != null) {
                    out.add(s);
                }
            }
        } else {
            String s = Shapes.string(node, where + ": key", problems);
            if (s != null) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    private static Charset charset(String name, Node node, String where, Problems problems) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        // Japanese retail exports labelled Shift_JIS are Windows' CP932 in practice (NEC/IBM extension
        // characters such as ① and 髙 appear in names): decode both as CP932.
        if (n.equals("SHIFT_JIS") || n.equals("SJIS") || n.equals("CP932") || n.equals("MS932") || n.equals("WINDOWS_31J")) {
            return Charset.forName("windows-31j");
        }
        if (n.equals("UTF_8") || n.equals("UTF8") || n.equals("UTF_8_BOM")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            problems.error(node.loc(), where + ": unknown encoding \"" + name + "\"; use UTF-8 or Shift_JIS (CP932)");
            return null;
        }
    }

    private static char oneChar(Node node, String where, char fallback, Problems problems) {
        String s = node instanceof Node.Scalar sc && sc.value() instanceof String str ? str : null;
        if (s != null && s.equals("\\t")) {
            return '\t';
        }
        if (s != null && (s.equals("\n") || s.equals("\r"))) {
            // Rows end at line breaks: one as the delimiter or the quote would read the file as one record.
            problems.error(node.loc(), where + " cannot be a line break");
            return fallback;
        }
        if (s != null && s.length() == 1) {
            return s.charAt(0);
        }
        problems.error(node.loc(), where + " must be one character (\"\\t\" for a tab), found " + node.describe());
        return fallback;
    }

    private static ZoneId zone(Node node, String where, Problems problems) {
        String s = Shapes.string(node, where + ": zone", problems);
        if (s == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(s);
        } catch (DateTimeException e) {
            problems.error(node.loc(), where + ": unknown time zone \"" + s + "\" (e.g. Asia/Tokyo, UTC, +09:00)");
            return ZoneOffset.UTC;
        }
    }

    private static BadRowLimit limit(Node node, String where, Problems problems) {
        if (node instanceof Node.Scalar s && s.value() instanceof Long l && l >= 0) {
            return BadRowLimit.ofCount(l);
        }
        if (node instanceof Node.Scalar s && s.value() instanceof String str && str.strip().endsWith("%")) {
            try {
                double pct = Double.parseDouble(str.strip().substring(0, str.strip().length() - 1));
                if (pct >= 0 && pct <= 100) {
                    return BadRowLimit.ofShare(pct / 100);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problems.error(node.loc(), where + ": max_bad_rows must be a count (10) or a share of the rows (\"1%\"), found "
                + node.describe());
        return BadRowLimit.NONE;
    }
}
