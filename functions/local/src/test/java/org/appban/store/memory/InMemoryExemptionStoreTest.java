package org.appban.store.memory;

import org.appban.ports.ExemptionStore;
import org.appban.ports.ExemptionStoreContract;

class InMemoryExemptionStoreTest extends ExemptionStoreContract {
    @Override
    protected ExemptionStore newStore() {
        return new InMemoryExemptionStore();
    }
}
