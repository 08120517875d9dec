package org.appban.lambda;

import org.appban.json.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entry point every handler shares: what it reads, what it refuses, and that it always answers in JSON. */
class JsonHandlerTest {
    private final JsonHandler echo = new JsonHandler() {
        @Override
        protected Object handle(JsonNode event, Context context) {
            return Map.of("status", "done", "trigger", event.path("trigger").asText());
        }
    };

    private JsonNode invoke(byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        echo.handleRequest(new ByteArrayInputStream(event), out, null);
        return Json.parse(out.toByteArray());
    }

    private JsonNode invoke(String event) throws Exception {
        return invoke(event.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void an_event_is_handed_over_as_a_tree_and_the_report_written_as_json() throws Exception {
        assertEquals(Json.parse("{\"status\":\"done\",\"trigger\":\"schedule\"}"), invoke("{\"trigger\": \"schedule\"}"));
    }

    @Test
    void an_empty_event_is_refused_as_empty() throws Exception {
        for (String empty : new String[] {"", "  \n "}) {
            JsonNode r = invoke(empty);
            assertEquals("rejected", r.path("status").asText());
            assertEquals("empty event", r.path("problems").path(0).path("problem").asText());
        }
    }

    @Test
    void malformed_json_is_refused_with_its_line() throws Exception {
        JsonNode r = invoke("{\n\"trigger\": \"schedule\",\n}");
        assertEquals("rejected", r.path("status").asText());
        assertEquals("line 3", r.path("problems").path(0).path("where").asText());
    }

    @Test
    void an_event_over_lambda_s_limit_is_refused_unread() throws Exception {
        JsonNode r = invoke(new byte[JsonHandler.MAX_EVENT_BYTES + 1]);
        assertEquals("rejected", r.path("status").asText());
        assertEquals("larger than " + JsonHandler.MAX_EVENT_BYTES + " bytes", r.path("problems").path(0).path("problem").asText());
    }
}
