package org.appban.remote;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One request to a remote API, as an adapter describes it: {@link ApiClient} sends it, and sends it again as it is
 * on a retry. Immutable; {@code body} null means none (a GET), an empty one is sent with length 0.
 */
public record ApiRequest(String method, URI uri, Map<String, String> headers, String body) {
    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
    }

    /** A GET of {@code uri}, no headers yet. */
    public static ApiRequest to(URI uri) {
        return new ApiRequest("GET", uri, Map.of(), null);
    }

    public ApiRequest header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiRequest(method, uri, h, body);
    }

    public ApiRequest post(String content) {
        return method("POST", content);
    }

    public ApiRequest put(String content) {
        return method("PUT", content);
    }

    public ApiRequest method(String name, String content) {
        return new ApiRequest(name, uri, headers, content == null ? "" : content);
    }
}
