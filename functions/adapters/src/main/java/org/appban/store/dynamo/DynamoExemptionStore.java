package org.appban.store.dynamo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Exemption;
import org.appban.ports.ExemptionStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Exemptions in DynamoDB, keyed by {@code id}; a member's exemptions come from the {@value #BY_MEMBER} index
 * (eventually consistent), and those with a notice to ask for from the sparse {@value #BY_NOTICE_DUE} index: an item
 * is in it only while it carries {@code noticeDue} ({@value #PENDING}) and {@code noticeDueAt} (when its next notice
 * falls due, fixed-width UTC so that the text sorts as the instants do, then {@code |} and its id, so that no two
 * items share an index key: the order, and a position to resume after, are exact). The daily sweep queries it up to now, so it
 * reads the exemptions it has work for, not the decisions on record, which only accumulate. Every write is conditional: an exemption is a decision on record, so creating one never
 * overwrites another, and a state change only applies to the state the approver saw.
 */
public final class DynamoExemptionStore implements ExemptionStore {
    public static final String BY_MEMBER = "byMember";
    public static final String BY_NOTICE_DUE = "byNoticeDue";
    static final String NOTICE_DUE = "noticeDue";
    static final String NOTICE_DUE_AT = "noticeDueAt";
    /**
     * The index's one partition. At one member in a hundred exempt, 250,000 members hold 2,500 granted exemptions:
     * far below what one partition serves, and the sweep reads only those due.
     */
    static final String PENDING = "pending";
    /**
     * The index's other partition: requests waiting for a decision, by when they were made ({@link #awaitingDecision}).
     * A request is in it from its creation until a decision rewrites the item (every write is a whole item), so the
     * digest reads the open requests, never the decisions on record; the sweep reads only {@value #PENDING}.
     */
    static final String REQUESTED = "requested";
    private static final java.time.format.DateTimeFormatter AT =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoExemptionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Exemption> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(ExemptionItems.key(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ExemptionItems.fromItem(item, table));
    }

    @Override
    public List<Exemption> ofMember(String memberId) {
        List<Exemption> exemptions = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_MEMBER)
                        .keyConditionExpression("#member = :member")
                        .expressionAttributeNames(Map.of("#member", ExemptionItems.MEMBER))
                        .expressionAttributeValues(Map.of(":member", AttributeValue.fromS(memberId))))
                .items().forEach(item -> exemptions.add(ExemptionItems.fromItem(item, table)));
        exemptions.sort(Comparator.comparing(Exemption::id));
        return exemptions;
    }

    @Override
    public List<Exemption> all() {
        List<Exemption> exemptions = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> exemptions.add(ExemptionItems.fromItem(item, table)));
        exemptions.sort(Comparator.comparing(Exemption::id));
        return exemptions;
    }

    @Override
    public List<Exemption> awaitingDecision() {
        List<Exemption> exemptions = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_NOTICE_DUE)
                        .keyConditionExpression("#due = :requested")
                        .expressionAttributeNames(Map.of("#due", NOTICE_DUE))
                        .expressionAttributeValues(Map.of(":requested", AttributeValue.fromS(REQUESTED))))
                .items().forEach(item -> exemptions.add(ExemptionItems.fromItem(item, table)));
        // An item read from the index a moment after its decision may still say REQUESTED (eventually consistent);
        // the digest then lists it once more, which is the digest's own slack, never a decision.
        exemptions.removeIf(e -> e.status() != org.appban.domain.ExemptionStatus.REQUESTED);
        exemptions.sort(Comparator.comparing(Exemption::id));
        return exemptions;
    }

    @Override
    public void create(Exemption exemption) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(exemption))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", ExemptionItems.ID)));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("exemption " + exemption.id() + " already exists", e);
        }
    }

    @Override
    public boolean transition(Exemption expected, Exemption updated) {
        if (!expected.id().equals(updated.id())) {
            throw new IllegalArgumentException("a transition keeps the exemption's id: " + expected.id() + " became " + updated.id());
        }
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(updated))
                    .conditionExpression("#status = :expected")
                    .expressionAttributeNames(Map.of("#status", ExemptionItems.STATUS))
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromS(expected.status().name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Page noticesDue(Instant by, String after, int limit) {
        Map<String, AttributeValue> start = start(after);
        var response = dynamo.query(r -> {
            r.tableName(table).indexName(BY_NOTICE_DUE).limit(limit)
                    .keyConditionExpression("#due = :pending AND #at < :after")
                    .expressionAttributeNames(Map.of("#due", NOTICE_DUE, "#at", NOTICE_DUE_AT))
                    // Every key of an instant up to {@code by} sorts before the next instant's bare time.
                    .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(PENDING), ":after", AttributeValue.fromS(AT.format(by.plusNanos(1)))));
            if (start != null) r.exclusiveStartKey(start);
        });
        List<Pending> pending = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            pending.add(new Pending(ExemptionItems.fromItem(item, table), item.get(NOTICE_DUE_AT).s()));
        }
        return new Page(pending, !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty());
    }

    @Override
    public void noticeDueAt(String id, Instant at) {
        try {
            if (at == null) {
                dynamo.updateItem(r -> r.tableName(table).key(ExemptionItems.key(id))
                        .updateExpression("REMOVE #due, #at")
                        .conditionExpression("attribute_exists(#id)")
                        .expressionAttributeNames(Map.of("#due", NOTICE_DUE, "#at", NOTICE_DUE_AT, "#id", ExemptionItems.ID)));
            } else {
                dynamo.updateItem(r -> r.tableName(table).key(ExemptionItems.key(id))
                        .updateExpression("SET #due = :pending, #at = :at")
                        .conditionExpression("attribute_exists(#id)")
                        .expressionAttributeNames(Map.of("#due", NOTICE_DUE, "#at", NOTICE_DUE_AT, "#id", ExemptionItems.ID))
                        .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(PENDING), ":at", AttributeValue.fromS(dueKey(at, id)))));
            }
        } catch (ConditionalCheckFailedException e) {
            // No such exemption: nothing to schedule (an update would have created a bare item).
        }
    }

    private static Map<String, AttributeValue> item(Exemption e) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(ExemptionItems.toItem(e));
        Instant due = ExemptionStore.firstNoticeDue(e);
        if (due != null) {
            item.put(NOTICE_DUE, AttributeValue.fromS(PENDING));
            item.put(NOTICE_DUE_AT, AttributeValue.fromS(dueKey(due, e.id())));
        } else if (e.status() == org.appban.domain.ExemptionStatus.REQUESTED) {
            item.put(NOTICE_DUE, AttributeValue.fromS(REQUESTED));
            item.put(NOTICE_DUE_AT, AttributeValue.fromS(dueKey(e.requestedAt() == null ? Instant.EPOCH : e.requestedAt(), e.id())));
        }
        return item;
    }

    /** The index position after which to read (the last item read before), or null from the start or when unreadable. */
    private static Map<String, AttributeValue> start(String after) {
        if (after == null) return null;
        int bar = after.indexOf('|');
        if (bar <= 0 || bar == after.length() - 1) return null;
        try {
            AT.parse(after.substring(0, bar));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
        return Map.of(NOTICE_DUE, AttributeValue.fromS(PENDING), NOTICE_DUE_AT, AttributeValue.fromS(after),
                ExemptionItems.ID, AttributeValue.fromS(after.substring(bar + 1)));
    }

    /** The index's sort key, and the position the sweep resumes after: the time, then the id. */
    private static String dueKey(Instant at, String id) {
        return AT.format(at) + "|" + id;
    }
}
