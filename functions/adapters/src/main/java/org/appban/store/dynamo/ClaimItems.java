package org.appban.store.dynamo;

import java.util.Map;
import org.appban.ports.Claims;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps a claim's {@link Claims.State} to its item in the claims table (partition key {@code key}) and back. */
final class ClaimItems {
    static final String KEY = "key";
    static final String HOLDER = "holder";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String COMPLETED = "completed";
    static final String OUTCOME = "outcome";
    static final String COMPLETED_AT = "completedAt";

    private ClaimItems() {
    }

    static Map<String, AttributeValue> key(String key) {
        return Map.of(KEY, AttributeValue.fromS(key));
    }

    static Map<String, AttributeValue> toItem(Claims.State s) {
        return new ItemBuilder()
                .string(KEY, s.key())
                .string(HOLDER, s.holder())
                .instant(LEASE_UNTIL, s.leaseUntil())
                .bool(COMPLETED, s.completed())
                .string(OUTCOME, s.outcome())
                .instant(COMPLETED_AT, s.completedAt())
                .build();
    }

    static Claims.State fromItem(Map<String, AttributeValue> item, String table) {
        AttributeValue key = item.get(KEY);
        ItemFields f = new ItemFields(item, table + " item " + KEY + "=" + (key == null ? "?" : key.s()));
        return new Claims.State(
                f.string(KEY),
                f.string(HOLDER),
                f.instant(LEASE_UNTIL),
                f.bool(COMPLETED),
                f.optionalString(OUTCOME),
                f.optionalInstant(COMPLETED_AT));
    }
}
