package org.appban.store.dynamo;

import org.appban.ports.ExemptionStore;
import org.appban.ports.ExemptionStoreContract;
import org.junit.jupiter.api.AfterEach;

class DynamoExemptionStoreIT extends ExemptionStoreContract {
    private final DynamoTablesFixture tables = new DynamoTablesFixture();

    @Override
    protected ExemptionStore newStore() {
        return new DynamoExemptionStore(tables.dynamo(), tables.table("ExemptionsTable"));
    }

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }
}
