package org.appban.store.dynamo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Member;
import org.appban.ports.MemberStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The roster in DynamoDB: one item per member, keyed by {@code id}; the members with an address come from the
 * {@value #BY_ADDRESS} index (on {@link Member#addressKey}, eventually consistent).
 */
public final class DynamoMemberStore implements MemberStore {
    public static final String BY_ADDRESS = "byAddress";
    private static final int BATCH = 25;
    private static final int ATTEMPTS = 8;
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoMemberStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Member> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(MemberItems.key(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(MemberItems.fromItem(item, table));
    }

    @Override
    public List<Member> all() {
        List<Member> members = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> members.add(MemberItems.fromItem(item, table)));
        members.sort(Comparator.comparing(Member::id));
        return members;
    }

    /**
     * A parallel Scan's segment, one page of it: DynamoDB's own split of the table ({@code Segment} of
     * {@code TotalSegments}), resumed at {@code after} as the exclusive start key. DynamoDB places a start key by
     * its hash, so a member deleted since still marks the position and the page starts at the next one. The read
     * is the round's own work (each member read once a round), not history: its cost follows the roster.
     */
    @Override
    public Page page(int part, int parts, String after, int limit) {
        Page.check(part, parts, limit);
        List<Member> page = new ArrayList<>();
        var response = dynamo.scan(r -> {
            r.tableName(table).consistentRead(true).segment(part).totalSegments(parts).limit(limit);
            if (after != null) r.exclusiveStartKey(MemberItems.key(after));
        });
        response.items().forEach(item -> page.add(MemberItems.fromItem(item, table)));
        return new Page(page, !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty());
    }

    @Override
    public List<Member> withAddress(String address) {
        List<Member> members = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(BY_ADDRESS)
                        .keyConditionExpression("#key = :key")
                        .expressionAttributeNames(Map.of("#key", MemberItems.ADDRESS_KEY))
                        .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(Member.addressKey(address)))))
                .items().forEach(item -> members.add(MemberItems.fromItem(item, table)));
        members.sort(Comparator.comparing(Member::id));
        return members;
    }

    /**
     * The members stored without {@code addressKey} (before the index existed) get it, each by a conditional update
     * that applies only while the address read is still the stored one (a member saved meanwhile has it already).
     */
    @Override
    public int indexAddresses() {
        int indexed = 0;
        Map<String, String> names = Map.of("#key", MemberItems.ADDRESS_KEY, "#id", MemberItems.ID, "#email", MemberItems.EMAIL);
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(r -> r.tableName(table)
                .filterExpression("attribute_not_exists(#key)").projectionExpression("#id, #email").expressionAttributeNames(names)).items()) {
            AttributeValue email = item.get(MemberItems.EMAIL);
            if (email == null || email.s() == null) continue;
            try {
                dynamo.updateItem(r -> r.tableName(table).key(MemberItems.key(item.get(MemberItems.ID).s()))
                        .updateExpression("SET #key = :key")
                        .conditionExpression("#email = :email AND attribute_not_exists(#key)")
                        .expressionAttributeNames(Map.of("#key", MemberItems.ADDRESS_KEY, "#email", MemberItems.EMAIL))
                        .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(Member.addressKey(email.s())), ":email", email)));
                indexed++;
            } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException changedMeanwhile) {
                // Saved since the read: the save wrote the key.
            }
        }
        return indexed;
    }

    @Override
    public void save(Member member) {
        dynamo.putItem(r -> r.tableName(table).item(MemberItems.toItem(member)));
    }

    /**
     * BatchWriteItem, 25 members a call (DynamoDB's limit), the unprocessed ones sent again with a growing pause:
     * a 50,000-row roster is 2,000 calls rather than 50,000. Each member is one item, so a member is never half
     * written; an import that stops half-way is continued and converges (RosterImport).
     */
    @Override
    public void saveAll(List<Member> list) {
        for (int from = 0; from < list.size(); from += BATCH) {
            List<WriteRequest> pending = new ArrayList<>();
            for (Member m : list.subList(from, Math.min(list.size(), from + BATCH))) {
                pending.add(WriteRequest.builder().putRequest(PutRequest.builder().item(MemberItems.toItem(m)).build()).build());
            }
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                List<WriteRequest> batch = pending;
                BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, batch)));
                pending = r.unprocessedItems().getOrDefault(table, List.of());
                if (pending.isEmpty()) break;
                if (attempt >= ATTEMPTS) {
                    throw new IllegalStateException(table + ": " + pending.size() + " member(s) still unprocessed after " + attempt + " BatchWriteItem calls");
                }
                try {
                    Thread.sleep(Math.min(1000, 25L << attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing members", e);
                }
            }
        }
    }
}
