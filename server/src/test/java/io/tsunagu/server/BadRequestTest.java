package io.tsunagu.server;

import static io.tsunagu.server.testing.Http.json;
import static io.tsunagu.server.testing.Http.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsunagu.server.testing.ServerHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Input a client can send wrong gets a JSON 4xx naming the problem — never a 5xx — and changes nothing. */
class BadRequestTest {

    static ServerHarness h;

    @BeforeAll
    static void start() {
        h = ServerHarness.start(io.tsunagu.store.testing.TestRedis.shared().url(), io.tsunagu.store.testing.TestRedis.prefix(),
                ServerHarness.copyOfExampleRules(), Map.of("TSUNAGU_BODY_LIMIT", "2kb",
                        "TSUNAGU_CORS_ORIGINS", "https://shop.example.com"));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Stream<Arguments> badBodies() {
        String big = "{\"vid\":\"V-1\",\"page\":{\"title\":\"" + "x".repeat(3000) + "\"}}";
        return Stream.of(
                Arguments.of("/v1/decide", "{\"vid\":", "application/json", 400, "not valid JSON"),
                Arguments.of("/v1/decide", "", "application/json", 400, "the body is empty"),
                Arguments.of("/v1/decide", "[1,2]", "application/json", 400, "the body must be a JSON object, found a list"),
                Arguments.of("/v1/decide", "{\"page\":{}}", "application/json", 400, "\"vid\" is required"),
                Arguments.of("/v1/decide", "{\"vid\":12}", "application/json", 400, "\"vid\" must be an id"),
                Arguments.of("/v1/decide", "{\"vid\":\"a{b}\"}", "application/json", 400, "\"vid\" must be an id"),
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\",\"slots\":\"hero\"}", "application/json", 400, "\"slots\" must be a list"),
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\",\"slots\":[1]}", "application/json", 400, "\"slots\" must hold slot names"),
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\",\"page\":\"home\"}", "application/json", 400, "\"page\" must be a JSON object"),
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\",\"uid\":\"M-1\",\"uid_sig\":5}", "application/json", 400, "\"uid_sig\" must be a string"),
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\"}", "application/x-www-form-urlencoded", 415, "application/json or text/plain"),
                // Regression: the type was checked as a prefix.
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\"}", "application/jsonx", 415, "application/json or text/plain"),
                Arguments.of("/v1/decide", "{\"vid\":\"V-1\"}", "text/plainly", 415, "application/json or text/plain"),
                Arguments.of("/v1/decide", big, "application/json", 413, "larger than 2048 bytes"),
                Arguments.of("/v1/decide", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", "application/json", 400, "not valid JSON"),
                Arguments.of("/v1/events", "{\"vid\":\"V-1\"}", "application/json", 400, "\"events\" must be a list of 1 to 100"),
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{}]}", "application/json", 400, "\"events[0].type\" must be an event type"),
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"x\",\"ts\":\"yesterday\"}]}", "application/json", 400,
                        "\"events[0].ts\" must be epoch milliseconds or an ISO-8601 time"),
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"x\",\"ts\":99999999999999}]}", "application/json", 400,
                        "\"events[0].ts\" is out of range"),
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"x\",\"props\":[1]}]}", "application/json", 400,
                        "\"events[0].props\" must be a JSON object"),
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"purchase\",\"props\":{\"items\":[7]}}]}",
                        "application/json", 400, "\"events[0].props.items[0]\" must be a JSON object"),
                // The staff view's offline types, e.g. an NPS score, come from the retailer's data, not from browsers.
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"nps\",\"props\":{\"score\":10}}]}",
                        "application/json", 400, "\"events[0].type\" nps records what happened offline"),
                // Regression: one purchase of 15,000 lines in a 45 KB body was stored as 15,000 events.
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"click\"},{\"type\":\"purchase\",\"props\":"
                        + "{\"items\":[" + String.join(",", Collections.nCopies(200, "{}")) + "]}}]}", "application/json", 400,
                        "at most 200 events once orders are split into their lines; \"events[1].props.items\" brings it to 201"),
                // Regressions: a member id without a (right) signature and without a vid was a 500 (no profile to use).
                Arguments.of("/v1/decide", "{\"uid\":\"M-1\"}", "application/json", 400, "\"vid\" is required"),
                Arguments.of("/v1/decide", "{\"uid\":\"M-1\",\"uid_sig\":\"" + "0".repeat(64) + "\"}", "application/json", 400,
                        "\"vid\" is required"),
                Arguments.of("/v1/events", "{\"uid\":\"M-1\",\"events\":[{\"type\":\"click\"}]}", "application/json", 400,
                        "\"vid\" is required"),
                // Regression: an ISO-8601 time beyond what epoch milliseconds hold was a 500 (long overflow).
                Arguments.of("/v1/events", "{\"vid\":\"V-1\",\"events\":[{\"type\":\"x\",\"ts\":\"+999999999-12-31T23:59:59+18:00\"}]}",
                        "application/json", 400, "\"events[0].ts\" is out of range"));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("badBodies")
    void badInput_getsAJsonError(String path, String body, String type, int status, String message) {
        HttpResponse<String> r = h.post(path, body, type, null);
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode error = json(r.body());
        assertTrue(error.get("message").asText().contains(message), r.body());
        assertTrue(error.has("error"));
    }

    @Test
    void badJson_messageNamesThePlaceNotTheParsersSettings() {
        String message = json(h.post("/v1/decide", "{").body()).get("message").asText();
        assertTrue(message.startsWith("not valid JSON"), message);
        assertFalse(message.contains("REDACTED") || message.contains("StreamReadFeature") || message.contains("Source:"), message);
    }

    @Test
    void signedMemberWithoutVid_isServed() {
        HttpResponse<String> r = h.post("/v1/decide", "{\"uid\":\"M-novid\",\"uid_sig\":\"" + h.sign("M-novid") + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(json(r.body()).get("identified").asBoolean());
    }

    /**
     * Regression: a bad percent-escape in the path was an unhandled exception in Vert.x's router (a stack
     * trace in the log, a plain-text answer); in the query it was a 500 whose log line held the whole URI
     * — on the audit and staff routes, a member id.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/%ZZ", "/v1/decide%", "/admin/v1/profiles/M-1002%G1", "/admin/v1/imports?limit=%ZZ",
            "/admin/v1/catalog?brand=%E3%8", "/admin/v1/audit?uid=M-1002&before=%ZZ",
            "/staff/api/customers/M-1002/timeline?before=%ZZ", "/staff/api/customers/M-1002%ZZ"})
    void badPercentEscape_is400Json_andLogsNothing(String target) {
        long internal = h.server.metrics().internalErrors.sum();
        String log = stderrOf(() -> {
            ServerHarness.RawResponse r = h.raw("GET", target, "Authorization: Bearer " + ServerHarness.ADMIN);
            assertEquals(400, r.status(), r.body());
            assertEquals("application/json", r.headers().get("content-type"), r.body());
            assertEquals("bad_request", json(r.body()).get("error").asText());
            assertFalse(r.body().contains("M-1002"), r.body());
        });
        assertFalse(log.contains("M-1002"), log);
        assertFalse(log.contains("Exception"), log);
        assertEquals(internal, h.server.metrics().internalErrors.sum());
    }

    /** What the server writes to standard error (where its log goes) while {@code r} runs. */
    static synchronized String stderrOf(Runnable r) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r.run();
            // The log line of a failed request can follow its answer by a moment.
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void admin_timesBeyondEpochMillis_are400() {
        assertEquals(400, h.post("/admin/v1/explain", "{\"now\":\"+999999999-12-31T23:59:59+18:00\"}", "application/json",
                ServerHarness.ADMIN).statusCode());
        assertEquals(400, h.post("/admin/v1/explain", "{\"profile\":{\"events\":[{\"type\":\"x\",\"ts\":\"-999999999-01-01T00:00:00Z\"}]}}",
                "application/json", ServerHarness.ADMIN).statusCode());
        // Regression: epoch milliseconds of ±2^63 were taken, and the rules' windows overflowed.
        for (String now : new String[] {"9223372036854775807", "-9223372036854775808", "-1", "253402300800000"}) {
            HttpResponse<String> r = h.post("/admin/v1/explain", "{\"now\":" + now + "}", "application/json", ServerHarness.ADMIN);
            assertEquals(400, r.statusCode(), now);
            assertTrue(r.body().contains("between 1970 and the end of 9999"), r.body());
        }
        assertEquals(200, h.post("/admin/v1/explain", "{\"now\":253402300799999}", "application/json", ServerHarness.ADMIN)
                .statusCode());
        assertEquals(0, h.server.metrics().internalErrors.sum());
    }

    /** Regression: a cursor Redis refuses (beyond 64 bits, or the very first id) was a 503 "Redis did not answer". */
    @Test
    void admin_auditCursorOutOfRange_is400_andTheFirstIdIsAnEmptyPage() {
        HttpResponse<String> huge = h.get("/admin/v1/audit?before=99999999999999999999-0", ServerHarness.ADMIN);
        assertEquals(400, huge.statusCode(), huge.body());
        HttpResponse<String> first = h.get("/admin/v1/audit?before=0-0", ServerHarness.ADMIN);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(0, json(first.body()).get("entries").size());
        assertTrue(json(first.body()).get("next_before").isNull());
    }

    @Test
    void unknownPaths_are404Json() {
        HttpResponse<String> r = h.get("/v2/nothing", null);
        assertEquals(404, r.statusCode());
        assertEquals("not_found", json(r.body()).get("error").asText());
    }

    @Test
    void aWrongMethod_onAnEndpoint_is405_namingTheMethodsItTakes() {
        // Regression: GET /v1/decide answered 404 "no such endpoint", as if the path did not exist.
        HttpResponse<String> r = h.get("/v1/decide", null);
        assertEquals(405, r.statusCode(), r.body());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
        assertTrue(json(r.body()).get("message").asText().contains("this endpoint takes POST"), r.body());
        HttpResponse<String> admin = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/v1/profiles/M-1"))
                .header("Authorization", "Bearer " + ServerHarness.ADMIN).DELETE().build());
        assertEquals(405, admin.statusCode(), admin.body());
        assertEquals("GET", admin.headers().firstValue("Allow").orElse(null), "a :id segment matches any id");
        assertEquals(401, h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/v1/profiles/M-1")).DELETE().build())
                .statusCode(), "admin paths still ask for the token first");
        assertEquals(404, h.post("/v1/nothing", "{}").statusCode(), "no endpoint there at all");
    }

    @Test
    void mediaTypes_areMatchedWhole_inAnyCase_withParameters() {
        // Media types are case-insensitive: "Application/JSON" was a 415.
        for (String type : new String[] {"application/json", "Application/JSON", "application/json; charset=UTF-8",
                "TEXT/PLAIN;charset=utf-8"}) {
            assertEquals(200, h.post("/v1/decide", "{\"vid\":\"V-type\"}", type, null).statusCode(), type);
        }
    }

    @Test
    void head_onHealthAndReady_answersLikeGet_withoutABody() {
        // Regression: monitors probing with HEAD got 404.
        for (String path : new String[] {"/health", "/ready"}) {
            HttpResponse<String> r = h.send(HttpRequest.newBuilder(URI.create(h.base() + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, r.statusCode(), path);
            assertEquals("", r.body(), path);
        }
    }

    @Test
    void badInput_changesNothingStored() {
        assertEquals(202, h.post("/v1/events", "{\"vid\":\"V-keep\",\"events\":[{\"type\":\"add_to_cart\"}]}").statusCode());
        within(2_000, "stored", () -> json(h.get("/admin/v1/profiles/~V-keep", ServerHarness.ADMIN).body()).get("events").size() == 1);
        // One good event and one bad in the same request: the whole request is refused.
        assertEquals(400, h.post("/v1/events", "{\"vid\":\"V-keep\",\"events\":[{\"type\":\"add_to_cart\"},{\"type\":\"9x\"}]}")
                .statusCode());
        assertEquals(400, h.post("/v1/decide", "{\"vid\":\"V-keep\",\"slots\":7}").statusCode());
        JsonNode p = json(h.get("/admin/v1/profiles/~V-keep", ServerHarness.ADMIN).body());
        assertEquals(1, p.get("events").size());
        assertEquals(0, h.server.metrics().internalErrors.sum());
    }

    @Test
    void admin_badProfileIdAndLimit_are400() {
        assertEquals(400, h.get("/admin/v1/profiles/a%7Bb%7D", ServerHarness.ADMIN).statusCode());
        assertEquals(400, h.get("/admin/v1/profiles/M-1?limit=zero", ServerHarness.ADMIN).statusCode());
        assertEquals(400, h.post("/admin/v1/explain", "{\"now\":\"soon\"}", "application/json", ServerHarness.ADMIN).statusCode());
    }

    @Test
    void cors_answersAllowedOriginsOnly() {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create(h.base() + "/v1/decide"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build();
        HttpResponse<String> ok = h.send(preflight);
        assertTrue(ok.statusCode() == 200 || ok.statusCode() == 204, "status " + ok.statusCode());
        assertEquals("https://shop.example.com", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));

        HttpRequest simple = HttpRequest.newBuilder(URI.create(h.base() + "/v1/decide"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"vid\":\"V-cors\"}"))
                .header("Content-Type", "text/plain").header("Origin", "https://shop.example.com").build();
        HttpResponse<String> sent = h.send(simple);
        assertEquals(200, sent.statusCode());
        assertEquals("https://shop.example.com", sent.headers().firstValue("Access-Control-Allow-Origin").orElse(""));

        HttpRequest other = HttpRequest.newBuilder(URI.create(h.base() + "/v1/decide"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"vid\":\"V-cors\"}"))
                .header("Content-Type", "text/plain").header("Origin", "https://evil.example.net").build();
        HttpResponse<String> refused = h.send(other);
        assertTrue(refused.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), refused.headers().toString());
        assertTrue(List.of(403, 200).contains(refused.statusCode()));
    }
}
