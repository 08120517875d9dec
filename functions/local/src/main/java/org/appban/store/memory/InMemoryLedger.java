package org.appban.store.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.CampaignTally;
import org.appban.ledger.LedgerHasher;
import org.appban.ports.Ledger;

/** Embedded adapter for the rehearsal and unit tests; same chaining and idempotency rules as the DynamoDB one. */
public final class InMemoryLedger implements Ledger {
    private final Map<String, List<LedgerEntry>> chains = new TreeMap<>();
    private final Map<String, LedgerEntry> byKey = new HashMap<>();
    /** Moved with each entry written, as DynamoLedger moves its tally items in the entry's transaction; null until then. */
    private CampaignTally tally;

    @Override
    public synchronized Appended append(LedgerRecord record) {
        if (record.idempotencyKey() != null) {
            LedgerEntry existing = byKey.get(record.idempotencyKey());
            if (existing != null) return new Appended(existing, false);
        }
        List<LedgerEntry> chain = chains.computeIfAbsent(record.chain(), c -> new ArrayList<>());
        String previous = chain.isEmpty() ? LedgerEntry.GENESIS : chain.get(chain.size() - 1).hash();
        long seq = chain.size() + 1L;
        LedgerEntry entry = new LedgerEntry(record.chain(), seq, record, previous,
                LedgerHasher.hash(record.chain(), seq, previous, record));
        chain.add(entry);
        if (record.idempotencyKey() != null) byKey.put(record.idempotencyKey(), entry);
        Map<String, Long> moved = CampaignTally.effects(record);
        if (!moved.isEmpty()) tally = (tally == null ? CampaignTally.empty() : tally).plus(moved);
        return new Appended(entry, true);
    }

    @Override
    public synchronized Optional<LedgerEntry> byIdempotencyKey(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    @Override
    public synchronized List<LedgerEntry> chain(String chain) {
        return List.copyOf(chains.getOrDefault(chain, List.of()));
    }

    @Override
    public synchronized List<String> chains() {
        return List.copyOf(chains.keySet());
    }

    @Override
    public synchronized Optional<CampaignTally> tally() {
        return Optional.ofNullable(tally);
    }

    @Override
    public synchronized void correctTally(Map<String, Long> delta, java.time.Instant checkedAt) {
        tally = (tally == null ? CampaignTally.empty() : tally).plus(delta).checkedAt(checkedAt);
    }

    /** For tamper tests: replaces a stored entry as an attacker with write access to the table would. */
    public synchronized void tamper(String chain, long seq, LedgerEntry replacement) {
        chains.get(chain).set((int) seq - 1, replacement);
    }
}
