package org.appban.sim.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as a simulator route sees it: an outer HTTP request, or one inner request of a batch.
 *
 * @param query   the raw query string (null when none)
 * @param headers header names in lower case
 */
public record SimRequest(String method, String path, String query, Map<String, String> headers, String body, boolean inner) {

    public Map<String, List<String>> params() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) return out;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    public Optional<String> param(String name) {
        List<String> v = params().get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public List<String> paramValues(String name) {
        return params().getOrDefault(name, List.of());
    }

    public int intParam(String name, int defaultValue) {
        Optional<String> v = param(name);
        if (v.isEmpty()) return defaultValue;
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new HttpFailure(400, "BadRequest", "query parameter " + name + " must be a whole number, found '" + v.get() + "'");
        }
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Form fields of an application/x-www-form-urlencoded body. */
    public Map<String, String> form() {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null) return out;
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    public boolean isWrite() {
        return !method.equals("GET") && !method.equals("HEAD");
    }
}
