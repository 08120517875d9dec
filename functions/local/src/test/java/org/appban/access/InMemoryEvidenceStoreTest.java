package org.appban.access;

import org.appban.store.memory.InMemoryEvidenceStore;

class InMemoryEvidenceStoreTest extends EvidenceStoreContract {
    @Override
    protected EvidenceStore store() {
        return new InMemoryEvidenceStore();
    }
}
