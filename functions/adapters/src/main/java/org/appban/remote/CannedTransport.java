package org.appban.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Answers from a table instead of the network, for SnapStart priming: an adapter runs its real path (token, paging,
 * parsing, mapping) and nothing leaves the process. A request gets the answer of the first entry whose method matches
 * and whose text appears in its URI; anything else is answered 404.
 */
public final class CannedTransport implements Transport {
    private record Entry(String method, String uriPart, Function<ApiRequest, String> body) {
    }

    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    private final List<Entry> entries = new ArrayList<>();

    /** Answers 200 with {@code body} to {@code method} requests whose URI contains {@code uriPart}. */
    public CannedTransport on(String method, String uriPart, String body) {
        return on(method, uriPart, request -> body);
    }

    /** The same with a body made from the request (a batch answers each of its requests by id). */
    public CannedTransport on(String method, String uriPart, Function<ApiRequest, String> body) {
        entries.add(new Entry(method, uriPart, body));
        return this;
    }

    @Override
    public ApiResponse exchange(String api, ApiRequest request, String authorization, Duration timeout) {
        String uri = request.uri().toString();
        for (Entry e : entries) {
            if (e.method().equals(request.method()) && uri.contains(e.uriPart())) return new ApiResponse(200, JSON, e.body().apply(request));
        }
        return new ApiResponse(404, JSON, "{}");
    }
}
