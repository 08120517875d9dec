package org.appban.store.dynamo;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads one DynamoDB item by hand. An item that lacks a required attribute or holds a value of the wrong type
 * fails with a message naming the item and the attribute, so a hand-edited or half-migrated row is easy to find.
 */
final class ItemFields {
    private final Map<String, AttributeValue> item;
    private final String what;

    /** @param what names the item in error messages, e.g. {@code "members table item id=m-1"} */
    ItemFields(Map<String, AttributeValue> item, String what) {
        this.item = item;
        this.what = what;
    }

    String string(String name) {
        String value = optionalString(name);
        if (value == null) throw problem(name, "is missing");
        return value;
    }

    String optionalString(String name) {
        AttributeValue v = item.get(name);
        if (v == null || Boolean.TRUE.equals(v.nul())) return null;
        if (v.s() == null) throw problem(name, "is not a string");
        return v.s();
    }

    boolean bool(String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.bool() == null) throw problem(name, "is missing or not a boolean");
        return v.bool();
    }

    long number(String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) throw problem(name, "is missing or not a number");
        try {
            return Long.parseLong(v.n());
        } catch (NumberFormatException e) {
            throw problem(name, "is not a whole number: " + v.n());
        }
    }

    Instant instant(String name) {
        Instant value = optionalInstant(name);
        if (value == null) throw problem(name, "is missing");
        return value;
    }

    Instant optionalInstant(String name) {
        String text = optionalString(name);
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw problem(name, "is not an ISO-8601 instant: " + text);
        }
    }

    <E extends Enum<E>> E enumValue(String name, Class<E> type) {
        String text = string(name);
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw problem(name, "holds unknown " + type.getSimpleName() + " '" + text + "'");
        }
    }

    Map<String, String> stringMap(String name) {
        AttributeValue v = item.get(name);
        if (v == null) return Map.of();
        if (!v.hasM()) throw problem(name, "is not a map");
        Map<String, String> out = new HashMap<>();
        v.m().forEach((k, value) -> {
            if (value.s() == null) throw problem(name + "." + k, "is not a string");
            out.put(k, value.s());
        });
        return out;
    }

    private IllegalStateException problem(String attribute, String issue) {
        return new IllegalStateException(what + ": attribute '" + attribute + "' " + issue);
    }
}
