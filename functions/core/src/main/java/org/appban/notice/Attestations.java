package org.appban.notice;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /**
     * The same for several members at once (network access asks for every owner of a private device): the members
     * attested, with when; the others absent. Sources whose reads are round trips override this to overlap them.
     */
    default Map<String, Instant> privateDevicesCleanSince(Collection<String> memberIds) {
        Map<String, Instant> attested = new LinkedHashMap<>();
        for (String m : new LinkedHashSet<>(memberIds)) privateDevicesCleanSince(m).ifPresent(at -> attested.put(m, at));
        return attested;
    }

    static Attestations none() {
        return member -> Optional.empty();
    }

    /** The latest {@value #ACTION} entry with outcome ok in the member's chain; several chains are read together. */
    static Attestations fromLedger(Ledger ledger) {
        return new Attestations() {
            @Override
            public Optional<Instant> privateDevicesCleanSince(String memberId) {
                return latest(ledger.chain(chainOf(memberId)));
            }

            @Override
            public Map<String, Instant> privateDevicesCleanSince(Collection<String> memberIds) {
                List<String> members = List.copyOf(new LinkedHashSet<>(memberIds));
                Map<String, List<LedgerEntry>> chains = ledger.chainsNamed(members.stream().map(Attestations::chainOf).toList());
                Map<String, Instant> attested = new LinkedHashMap<>();
                for (String m : members) latest(chains.getOrDefault(chainOf(m), List.of())).ifPresent(at -> attested.put(m, at));
                return attested;
            }
        };
    }

    /** The latest attestation in a member's ledger chain. */
    static Optional<Instant> latest(List<LedgerEntry> chain) {
        return chain.stream()
                .map(LedgerEntry::record)
                .filter(r -> ACTION.equals(r.action()) && "ok".equals(r.outcome()) && !r.dryRun())
                .map(r -> r.at())
                .max(Comparator.naturalOrder());
    }

    private static String chainOf(String memberId) {
        return "member#" + memberId;
    }
}
