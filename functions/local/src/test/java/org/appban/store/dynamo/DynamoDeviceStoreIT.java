package org.appban.store.dynamo;

import org.appban.ports.DeviceStore;
import org.appban.ports.DeviceStoreContract;
import org.junit.jupiter.api.AfterEach;

class DynamoDeviceStoreIT extends DeviceStoreContract {
    private final DynamoTablesFixture tables = new DynamoTablesFixture();

    @Override
    protected DeviceStore newStore() {
        return new DynamoDeviceStore(tables.dynamo(), tables.table("DevicesTable"));
    }

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }
}
