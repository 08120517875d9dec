package org.appban.digest;

import java.time.Instant;
import java.util.List;
import org.appban.admin.SecondApprovals;
import org.appban.ports.Ledger;

/**
 * The acts waiting for a second approval, as the administrators' digest reads them: from the fleet's chain, where
 * the two-person rule ({@link SecondApprovals}) records its requests and decisions. One Query of that chain, which
 * holds the administrators' own acts (not the members' or the devices'), so it grows with what administrators do.
 */
public final class FleetChainApprovals implements WaitingApprovals {
    private final Ledger ledger;

    public FleetChainApprovals(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public List<Waiting> at(Instant at) {
        return SecondApprovals.of(ledger.chain("fleet"), at, "pending").stream()
                .map(a -> new Waiting(a.id(), a.operation(), a.requestedBy(), a.requestedAt(), a.expires()))
                .toList();
    }
}
