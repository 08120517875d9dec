package org.appban.store.memory;

import org.appban.ports.MemberStore;
import org.appban.ports.MemberStoreContract;

class InMemoryMemberStoreTest extends MemberStoreContract {
    @Override
    protected MemberStore newStore() {
        return new InMemoryMemberStore();
    }
}
