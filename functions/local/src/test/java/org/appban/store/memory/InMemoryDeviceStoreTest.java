package org.appban.store.memory;

import org.appban.ports.DeviceStore;
import org.appban.ports.DeviceStoreContract;

class InMemoryDeviceStoreTest extends DeviceStoreContract {
    @Override
    protected DeviceStore newStore() {
        return new InMemoryDeviceStore();
    }
}
