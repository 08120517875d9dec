package org.appban.sim.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one JSON object of the fleet file strictly, recording every problem with its path. (The functions module
 * has its own reader; this module must not depend on it.)
 */
final class StrictNode {
    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();

    StrictNode(JsonNode node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    void problem(String field, String message) {
        problems.add((field == null ? (path.isEmpty() ? "(root)" : path) : at(field)) + ": " + message);
    }

    private JsonNode get(String field, boolean required) {
        read.add(field);
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) problem(field, "is required");
            return null;
        }
        return v;
    }

    String text(String field, boolean required) {
        JsonNode v = get(field, required);
        if (v == null) return null;
        if (!v.isTextual()) {
            problem(field, "must be a string, found " + describe(v));
            return null;
        }
        if (v.textValue().isBlank()) {
            problem(field, "must not be empty");
            return null;
        }
        return v.textValue();
    }

    boolean bool(String field, boolean defaultValue) {
        JsonNode v = get(field, false);
        if (v == null) return defaultValue;
        if (!v.isBoolean()) {
            problem(field, "must be true or false, found " + describe(v));
            return defaultValue;
        }
        return v.booleanValue();
    }

    Boolean requiredBool(String field) {
        JsonNode v = get(field, true);
        if (v == null) return null;
        if (!v.isBoolean()) {
            problem(field, "must be true or false, found " + describe(v));
            return null;
        }
        return v.booleanValue();
    }

    Double positiveNumber(String field) {
        JsonNode v = get(field, false);
        if (v == null) return null;
        if (!v.isNumber() || v.doubleValue() <= 0) {
            problem(field, "must be a positive number, found " + (v.isNumber() ? v.asText() : describe(v)));
            return null;
        }
        return v.doubleValue();
    }

    /** A value from a closed set, written in lower case with dashes (e.g. {@code remove-app}). */
    <E extends Enum<E>> E choice(String field, boolean required, Class<E> type) {
        String s = text(field, required);
        if (s == null) return null;
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(s)) return e;
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        problem(field, "'" + s + "' is not one of " + String.join(", ", allowed));
        return null;
    }

    String oneOf(String field, boolean required, List<String> allowed) {
        String s = text(field, required);
        if (s == null) return null;
        if (!allowed.contains(s)) {
            problem(field, "'" + s + "' is not one of " + String.join(", ", allowed));
            return null;
        }
        return s;
    }

    /** An instant written with its offset, e.g. 2023-03-31T09:00+13:00. */
    Instant instant(String field, boolean required) {
        String s = text(field, required);
        if (s == null) return null;
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            problem(field, "'" + s + "' is not a date-time with an offset (e.g. 2023-03-31T09:00+13:00)");
            return null;
        }
    }

    /**
     * A date-time with an offset, or a date alone: exactly one of the pair is set (both null when absent or wrong).
     */
    Object instantOrDate(String field, boolean required) {
        String s = text(field, required);
        if (s == null) return null;
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDate.parse(s);
            } catch (DateTimeParseException e2) {
                problem(field, "'" + s + "' is neither a date (e.g. 2023-09-01) nor a date-time with an offset (e.g. 2023-09-01T00:00+12:00)");
                return null;
            }
        }
    }

    List<StrictNode> objects(String field, boolean required) {
        JsonNode v = get(field, required);
        List<StrictNode> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) {
            problem(field, "must be a list, found " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String itemPath = at(field) + "[" + i + "]";
            if (!item.isObject()) {
                problems.add(itemPath + ": must be an object, found " + describe(item));
                continue;
            }
            out.add(new StrictNode(item, itemPath, problems));
        }
        return out;
    }

    List<String> texts(String field, boolean required) {
        JsonNode v = get(field, required);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) {
            problem(field, "must be a list of strings, found " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                problems.add(at(field) + "[" + i + "]: must be a non-empty string, found " + describe(item));
                continue;
            }
            out.add(item.textValue());
        }
        return out;
    }

    void rejectUnknownFields() {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!read.contains(f)) problem(f, "unknown field");
        }
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isArray()) return "a list";
        if (v.isObject()) return "an object";
        return "null";
    }
}
