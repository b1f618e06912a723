package io.tsunagu.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What an internal error's log line says about the request: the endpoint, never an id in the path. */
class ApiErrorsLogTest {

    @Test
    void theLoggedEndpoint_dropsWhatFollowsTheThirdSegment() {
        assertEquals("/admin/v1/profiles/…", ApiErrors.endpoint("/admin/v1/profiles/M-1002"));
        assertEquals("/staff/api/customers/…", ApiErrors.endpoint("/staff/api/customers/M-1002/timeline"));
        assertEquals("/v1/decide", ApiErrors.endpoint("/v1/decide"));
        assertEquals("/admin/v1/imports", ApiErrors.endpoint("/admin/v1/imports"));
    }
}
