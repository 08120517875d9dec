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

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }
}
