package org.appban.remote;

import java.io.IOException;
import java.time.Duration;

/**
 * How one attempt of a request reaches the API and its whole answer comes back. {@link #HTTP} on the wire; canned
 * answers ({@link CannedTransport}) when SnapStart priming runs an adapter's path without sending anything.
 */
@FunctionalInterface
public interface Transport {
    Transport HTTP = new UrlConnectionTransport();

    /**
     * @param api the API's name, for messages
     * @param timeout how long to wait for the answer
     * @throws IOException when no answer came (refused, timed out, broken): the client retries these
     */
    ApiResponse exchange(String api, ApiRequest request, String authorization, Duration timeout) throws IOException;
}
