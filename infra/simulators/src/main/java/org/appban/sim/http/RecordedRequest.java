package org.appban.sim.http;

import java.time.Instant;

/**
 * One request a simulator received, as tests assert on it.
 *
 * @param simTime  the simulated clock when it arrived
 * @param wallTime the real time it arrived
 * @param inner    an inner request of a batch (the outer batch request is recorded too)
 */
public record RecordedRequest(long seq, String api, String method, String path, String query, String body,
                              Instant simTime, Instant wallTime, int status, boolean inner) {

    /** Path and query, as the client asked for it. */
    public String target() {
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }
}
