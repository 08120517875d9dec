package org.appban.store.dynamo;

import org.appban.ports.Claims;
import org.appban.ports.ClaimsContract;
import org.junit.jupiter.api.AfterEach;

class DynamoClaimsIT extends ClaimsContract {
    private final DynamoTablesFixture tables = new DynamoTablesFixture();

    @Override
    protected Claims newClaims() {
        return new DynamoClaims(tables.dynamo(), tables.table("ClaimsTable"));
    }

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }
}
