package org.appban.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One attempt over HTTP: the request with its authorization, the whole answer read (so the connection can be
 * reused). Through the JDK's {@link HttpURLConnection}, the HTTP stack the AWS SDK's client already loads (and keeps
 * connections alive through), not {@code java.net.http.HttpClient}: that second stack costs a cold start 60-190 ms
 * (its classes, its selector thread, and a TLS context it builds eagerly, measured in a fresh JVM with Lambda's
 * flags) for calls HTTP/1.1 serves as well.
 */
final class UrlConnectionTransport implements Transport {
    /** How long to wait for a connection; the client's timeout bounds each wait for the answer. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public ApiResponse exchange(String api, ApiRequest request, String authorization, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) request.uri().toURL().openConnection();
        c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        c.setUseCaches(false);
        c.setInstanceFollowRedirects(false);
        try {
            c.setRequestMethod(request.method());
        } catch (java.net.ProtocolException e) {
            // Not a failure of the remote side: a method this transport has not (PATCH), which no retry changes.
            throw new IllegalArgumentException(api + ": HTTP method " + request.method() + " is not supported", e);
        }
        request.headers().forEach(c::setRequestProperty);
        if (authorization != null) c.setRequestProperty("Authorization", authorization);
        int status;
        try {
            if (request.body() != null) {
                // Not in streaming mode: a streamed request answered 401 makes the connection throw instead of
                // handing the 401 back for the token to be renewed.
                c.setDoOutput(true);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(request.body().getBytes(StandardCharsets.UTF_8));
                }
            }
            status = c.getResponseCode();
        } catch (HttpRetryException e) {
            c.disconnect();
            return new ApiResponse(e.responseCode(), Map.of(), "");
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((name, values) -> {
            if (name != null) headers.put(name, values);
        });
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = "";
        if (in != null) {
            try (in) {
                body = new String(in.readAllBytes(), charset(c.getContentType()));
            }
        }
        return new ApiResponse(status, headers, body);
    }

    /** The charset a Content-Type names, UTF-8 when it names none (JSON's only encoding on the wire). */
    static Charset charset(String contentType) {
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").trim());
                    } catch (IllegalArgumentException e) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
