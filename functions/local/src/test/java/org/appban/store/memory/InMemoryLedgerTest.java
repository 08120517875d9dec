package org.appban.store.memory;

import org.appban.ports.Ledger;
import org.appban.ports.LedgerContract;

class InMemoryLedgerTest extends LedgerContract {
    @Override
    protected Ledger newLedger() {
        return new InMemoryLedger();
    }
}
