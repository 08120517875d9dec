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

/** The roster in DynamoDB: one item per member, keyed by {@code id}. */
public final class DynamoMemberStore implements MemberStore {
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

    @Override
    public void save(Member member) {
        dynamo.putItem(r -> r.tableName(table).item(MemberItems.toItem(member)));
    }
}
