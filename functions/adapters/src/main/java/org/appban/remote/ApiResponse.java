package org.appban.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.json.Json;

/** An answer the client hands back: any 2xx, and the 4xx the caller maps (401 and 429 never reach it). */
public record ApiResponse(int status, Map<String, List<String>> headers, String body) {
    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, by name in any case. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return Optional.of(e.getValue().get(0));
        }
        return Optional.empty();
    }

    public boolean ok() {
        return status / 100 == 2;
    }

    public JsonNode json() {
        try {
            return Json.parse(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the API answered something that is not JSON (HTTP " + status + ")", e);
        }
    }
}
