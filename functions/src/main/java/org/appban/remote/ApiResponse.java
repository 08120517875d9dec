package org.appban.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import org.appban.lambda.Json;

/** An answer the client hands back: any 2xx, and the 4xx the caller maps (401 and 429 never reach it). */
public record ApiResponse(int status, HttpHeaders headers, String body) {

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
