package org.appban.store.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Strongly consistent BatchGetItem of many keys of one table: 100 keys a request (DynamoDB's limit), and the keys a
 * response leaves unprocessed (throttling, the 16 MB response cap) asked for again with a growing pause. One round
 * trip per hundred items where a GetItem each would cost a round trip per item.
 */
final class BatchReads {
    static final int MAX_KEYS = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 8;

    private BatchReads() {
    }

    /** The items found, in no particular order; keys with no item are simply absent. Duplicate keys are not allowed. */
    static List<Map<String, AttributeValue>> get(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys) {
        return get(dynamo, table, keys, null);
    }

    /**
     * As {@link #get(DynamoDbClient, String, List)}, each item read with only this attribute (null: whole), for a caller
     * that asks only which of the keys hold an item.
     */
    static List<Map<String, AttributeValue>> get(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys, String only) {
        return get(dynamo, table, keys, only, true);
    }

    /** As above; {@code consistent=false} reads eventually consistently, at half the read units. */
    static List<Map<String, AttributeValue>> get(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys, String only,
                                                 boolean consistent) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS) {
            KeysAndAttributes.Builder batch = KeysAndAttributes.builder().keys(keys.subList(from, Math.min(keys.size(), from + MAX_KEYS))).consistentRead(consistent);
            if (only != null) batch.projectionExpression("#only").expressionAttributeNames(Map.of("#only", only));
            Map<String, KeysAndAttributes> request = Map.of(table, batch.build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    throw new IllegalStateException("DynamoDB left keys of " + table + " unprocessed after " + round + " rounds");
                }
                if (round > 0) pause(round);
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(ask));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return items;
    }

    private static void pause(int round) {
        try {
            Thread.sleep(Math.min(1000, 25L << round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed keys", e);
        }
    }
}
