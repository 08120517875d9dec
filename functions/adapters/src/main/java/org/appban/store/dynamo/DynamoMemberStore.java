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

/** The roster in DynamoDB: one item per member, keyed by {@code id}. */
public final class DynamoMemberStore implements MemberStore {
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
