package io.tsunagu.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What an internal error's log line says about the request: the endpoint, never an id in the path. */
class ApiVerticleLogTest {

    @Test
    void theLoggedEndpoint_dropsWhatFollowsTheThirdSegment() {
        assertEquals("/admin/v1/profiles/…", ApiVerticle.endpoint("/admin/v1/profiles/M-1002"));
        assertEquals("/staff/api/customers/…", ApiVerticle.endpoint("/staff/api/customers/M-1002/timeline"));
        assertEquals("/v1/decide", ApiVerticle.endpoint("/v1/decide"));
        assertEquals("/admin/v1/imports", ApiVerticle.endpoint("/admin/v1/imports"));
    }
}
