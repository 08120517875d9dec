package org.appban.notice;

import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import org.appban.domain.LedgerEntry;
import org.appban.ports.Ledger;

/**
 * When a member last confirmed, through their signed attestation link, that their private devices are clean.
 * The function behind the link records it in the member's ledger chain as {@value #ACTION} with outcome
 * {@code ok}; this reads it back.
 */
@FunctionalInterface
public interface Attestations {
    String ACTION = "attestation.recorded";

    Optional<Instant> privateDevicesCleanSince(String memberId);

    static Attestations none() {
        return member -> Optional.empty();
    }

    /** The latest {@value #ACTION} entry with outcome ok in the member's chain. */
    static Attestations fromLedger(Ledger ledger) {
        return member -> ledger.chain("member#" + member).stream()
                .map(LedgerEntry::record)
                .filter(r -> ACTION.equals(r.action()) && "ok".equals(r.outcome()) && !r.dryRun())
                .map(r -> r.at())
                .max(Comparator.naturalOrder());
    }
}
