package org.appban.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a route answers. */
public record SimResponse(int status, Map<String, String> headers, byte[] body) {
    public static SimResponse json(int status, JsonNode node) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        return new SimResponse(status, h, Json.write(node).getBytes(StandardCharsets.UTF_8));
    }

    public static SimResponse ok(JsonNode node) {
        return json(200, node);
    }

    public static SimResponse empty(int status) {
        return new SimResponse(status, new LinkedHashMap<>(), new byte[0]);
    }

    public static SimResponse xml(int status, String xml) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/xml");
        return new SimResponse(status, h, xml.getBytes(StandardCharsets.UTF_8));
    }

    public SimResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new SimResponse(status, h, body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
