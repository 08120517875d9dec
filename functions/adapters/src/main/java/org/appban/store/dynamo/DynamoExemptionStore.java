package org.appban.store.dynamo;

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
 * (eventually consistent). Every write is conditional: an exemption is a decision on record, so creating one never
 * overwrites another, and a state change only applies to the state the approver saw.
 */
public final class DynamoExemptionStore implements ExemptionStore {
    public static final String BY_MEMBER = "byMember";

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
    public void create(Exemption exemption) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(ExemptionItems.toItem(exemption))
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
            dynamo.putItem(r -> r.tableName(table).item(ExemptionItems.toItem(updated))
                    .conditionExpression("#status = :expected")
                    .expressionAttributeNames(Map.of("#status", ExemptionItems.STATUS))
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromS(expected.status().name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
