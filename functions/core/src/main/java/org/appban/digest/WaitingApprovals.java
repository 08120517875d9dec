package org.appban.digest;

import java.time.Instant;
import java.util.List;

/**
 * The administrators' acts waiting for a second administrator's approval at an instant (the two-person rule's
 * requests, read from the fleet's chain by adapters): what the digest lists so that nobody's request lapses unseen.
 */
@FunctionalInterface
public interface WaitingApprovals {
    /** @param requestedBy the administrator's principal, as the ledger names them */
    record Waiting(String id, String operation, String requestedBy, Instant requestedAt, Instant expires) {
    }

    /** The requests still pending at {@code at}: asked for by then, neither approved nor lapsed. */
    List<Waiting> at(Instant at);
}
