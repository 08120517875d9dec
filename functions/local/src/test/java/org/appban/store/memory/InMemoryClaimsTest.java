package org.appban.store.memory;

import org.appban.ports.Claims;
import org.appban.ports.ClaimsContract;

class InMemoryClaimsTest extends ClaimsContract {
    @Override
    protected Claims newClaims() {
        return new InMemoryClaims();
    }
}
