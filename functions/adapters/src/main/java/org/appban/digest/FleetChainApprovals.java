package org.appban.digest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appban.admin.SecondApprovals;
import org.appban.policy.BanPolicy;
import org.appban.ports.Ledger;

/**
 * The acts waiting for a second approval, as the administrators' digest reads them: from the fleet's chain, where
 * the two-person rule ({@link SecondApprovals}) records its requests and decisions. A request lapses after the
 * policy's {@code pendingHours}, so only the chain's entries of that window are read ({@link Ledger#chainFrom}),
 * never its history, which grows every day (the digest's own entries are on it too).
 */
public final class FleetChainApprovals implements WaitingApprovals {
    private final Ledger ledger;
    private final Duration window;

    /** @param window how long a request waits before it lapses: the policy's {@code administration.secondApproval.pendingHours} */
    public FleetChainApprovals(Ledger ledger, Duration window) {
        this.ledger = ledger;
        this.window = window;
    }

    /** For this policy's requests. */
    public static FleetChainApprovals of(BanPolicy policy, Ledger ledger) {
        return new FleetChainApprovals(ledger, Duration.ofHours(policy.administration().secondApproval().pendingHours()));
    }

    @Override
    public List<Waiting> at(Instant at) {
        return SecondApprovals.of(ledger.chainFrom("fleet", at.minus(window)), at, "pending").stream()
                .map(a -> new Waiting(a.id(), a.operation(), a.requestedBy(), a.requestedAt(), a.expires()))
                .toList();
    }
}
