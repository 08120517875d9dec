package org.appban.sim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the simulators. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses a request body; a malformed one is the client's fault (400). */
    public static JsonNode parse(String body) {
        try {
            JsonNode n = MAPPER.readTree(body == null || body.isBlank() ? "null" : body);
            if (n == null || n.isNull()) throw new HttpFailure(400, "BadRequest", "a JSON body is required");
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpFailure(400, "BadRequest", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
