package org.appban.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as a Lambda function URL delivers it (the API Gateway v2 payload): method and path from
 * {@code requestContext.http}, {@code rawQueryString}, {@code headers} (names lower case), and {@code body}, base64
 * encoded when {@code isBase64Encoded}.
 */
public record FunctionUrlRequest(String method, String path, String rawQuery, Map<String, String> headers, String body) {
    public FunctionUrlRequest {
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    /** True when the event has the function URL shape. */
    public static boolean is(JsonNode event) {
        return event.path("requestContext").path("http").isObject();
    }

    public static FunctionUrlRequest from(JsonNode event) {
        JsonNode http = event.path("requestContext").path("http");
        Map<String, String> headers = new HashMap<>();
        event.path("headers").properties().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        String body = event.path("body").isTextual() ? event.path("body").textValue() : "";
        if (event.path("isBase64Encoded").asBoolean(false) && !body.isEmpty()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                body = "";
            }
        }
        String path = event.path("rawPath").asText(http.path("path").asText("/"));
        return new FunctionUrlRequest(http.path("method").asText("").toUpperCase(Locale.ROOT), path,
                event.path("rawQueryString").asText(""), headers, body);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> query() {
        return formFields(rawQuery);
    }

    /** An {@code application/x-www-form-urlencoded} body's fields (the first value of each). */
    public Map<String, String> form() {
        return formFields(body);
    }

    static Map<String, String> formFields(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) return out;
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // A malformed escape: the field is left out, and a missing token reads as an invalid link.
            }
        }
        return out;
    }

    /** The response a function URL returns: status, headers, body. */
    public static Map<String, Object> response(int status, Map<String, String> headers, String body) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("statusCode", status);
        r.put("headers", headers);
        r.put("body", body);
        r.put("isBase64Encoded", false);
        return r;
    }
}
