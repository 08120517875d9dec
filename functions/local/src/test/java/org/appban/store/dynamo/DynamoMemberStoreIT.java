package org.appban.store.dynamo;

import org.appban.ports.MemberStore;
import org.appban.ports.MemberStoreContract;
import org.junit.jupiter.api.AfterEach;

class DynamoMemberStoreIT extends MemberStoreContract {
    private final DynamoTablesFixture tables = new DynamoTablesFixture();

    @Override
    protected MemberStore newStore() {
        return new DynamoMemberStore(tables.dynamo(), tables.table("MembersTable"));
    }

    @org.junit.jupiter.api.Test
    void members_stored_before_the_address_index_existed_join_it_once_indexed() {
        String table = tables.table("MembersTable");
        DynamoMemberStore store = new DynamoMemberStore(tables.dynamo(), table);
        store.save(org.appban.domain.Member.active("m-1", "Aroha Ngata", "Aroha.Ngata@example.org", org.appban.domain.Role.MEMBER));
        store.save(org.appban.domain.Member.active("m-2", "Tama Rangi", "tama@example.org", org.appban.domain.Role.STAFF));
        // As an item written before the index existed: no addressKey.
        tables.dynamo().updateItem(r -> r.tableName(table).key(java.util.Map.of("id",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("m-1"))).updateExpression("REMOVE addressKey"));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), store.withAddress("aroha.ngata@example.org"));

        org.junit.jupiter.api.Assertions.assertEquals(1, store.indexAddresses());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("m-1"),
                store.withAddress("aroha.ngata@example.org").stream().map(org.appban.domain.Member::id).toList());
        org.junit.jupiter.api.Assertions.assertEquals(0, store.indexAddresses(), "nothing left to index");
    }

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }
}
