package io.tsunagu.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.tsunagu.rules.source.PlainJson;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

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
            throw ApiException.badRequest("not valid JSON: " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the body: " + e.getMessage());
        }
    }

    /** A plain value (Map, List, String, Number, Boolean, null) or a record-free tree of them, as JSON. */
    public static Buffer write(Object value) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            PlainJson.write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    /** {@code {"error": code, "message": message}}. */
    public static Buffer error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        return write(m);
    }
}
