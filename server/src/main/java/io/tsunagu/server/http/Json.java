package io.tsunagu.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.tsunagu.rules.source.PlainJson;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Request bodies into plain values (Map, List, String, Long, Double, Boolean, null) and plain values
 * into response bodies, with Jackson's streaming API and the store's value mapping
 * ({@link PlainJson}). Nesting is limited so that a hostile
 * body cannot exhaust the stack.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

    private Json() {
    }

    /** Parses a whole body; a 400 names what is wrong. */
    public static Object parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("the body is empty; send a JSON object");
        }
        try (JsonParser p = FACTORY.createParser(body.getBytes())) {
            if (p.nextToken() == null) {
                throw ApiException.badRequest("the body is empty; send a JSON object");
            }
            Object v = PlainJson.read(p);
            if (p.nextToken() != null) {
                throw ApiException.badRequest("not valid JSON: more than one value in the body");
            }
            return v;
        } catch (JsonProcessingException e) {
            // A message may name a location as "[Source: REDACTED (`StreamReadFeature…` disabled); line: 1, column: 1]".
            String message = SOURCE.matcher(e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "))
                    .replaceAll("line $1, column $2");
            throw ApiException.badRequest("not valid JSON: " + message
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the body: " + e.getMessage());
        }
    }

    /** A plain value (Map, List, String, Number, Boolean, null) or a record-free tree of them, as JSON. */
    public static Buffer write(Object value) {
        return write(256, g -> PlainJson.write(g, value));
    }

    /** Writes JSON with a generator. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * JSON that {@code writer} writes, straight into the buffer the response sends: the generator's
     * own buffer is recycled, so the text is copied once (not into a growing array, then out of it,
     * then into the buffer). {@code sizeHint}: the bytes expected; the buffer grows beyond it.
     */
    public static Buffer write(int sizeHint, Writer writer) {
        Buffer out = Buffer.buffer(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(new BufferStream(out))) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** An output stream that appends to a buffer. */
    private static final class BufferStream extends OutputStream {

        private final Buffer out;

        BufferStream(Buffer out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            out.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.appendBytes(b, off, len);
        }
    }

    /** {@code {"error": code, "message": message}}. */
    public static Buffer error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        return write(m);
    }
}
