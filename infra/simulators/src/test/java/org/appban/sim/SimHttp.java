package org.appban.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.appban.sim.http.Json;

/** A tiny HTTP client for the simulators' own tests. */
public final class SimHttp {
    private final HttpClient client = HttpClient.newHttpClient();

    public record Reply(int status, JsonNode json, String text, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Reply send(String method, URI uri, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (r.body() != null && !r.body().isBlank() && r.headers().firstValue("Content-Type").orElse("").contains("json")) json = Json.MAPPER.readTree(r.body());
            return new Reply(r.statusCode(), json, r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
