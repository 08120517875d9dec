package org.appban.store.dynamo;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes one DynamoDB item by hand. A null value leaves the attribute out, so a missing attribute always means
 * null when {@link ItemFields} reads it back. Instants are stored as ISO-8601 strings: exact to the nanosecond,
 * readable in the console, and only ever compared for equality in conditions.
 */
final class ItemBuilder {
    private final Map<String, AttributeValue> item = new LinkedHashMap<>();

    ItemBuilder string(String name, String value) {
        if (value != null) item.put(name, AttributeValue.fromS(value));
        return this;
    }

    ItemBuilder bool(String name, boolean value) {
        item.put(name, AttributeValue.fromBool(value));
        return this;
    }

    ItemBuilder number(String name, long value) {
        item.put(name, AttributeValue.fromN(Long.toString(value)));
        return this;
    }

    ItemBuilder instant(String name, Instant value) {
        return string(name, value == null ? null : value.toString());
    }

    ItemBuilder enumName(String name, Enum<?> value) {
        return string(name, value == null ? null : value.name());
    }

    /** Always written, even when empty, so the item says explicitly that there were no entries. */
    ItemBuilder stringMap(String name, Map<String, String> values) {
        Map<String, AttributeValue> map = new HashMap<>();
        values.forEach((k, v) -> map.put(k, AttributeValue.fromS(v)));
        item.put(name, AttributeValue.fromM(map));
        return this;
    }

    Map<String, AttributeValue> build() {
        return new LinkedHashMap<>(item);
    }
}
