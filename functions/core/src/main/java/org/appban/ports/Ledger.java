package org.appban.ports;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.CampaignTally;

/**
 * The append-only audit ledger. Entries are hash-chained per chain (one chain per member, one for the fleet).
 * An append that carries an idempotency key already used returns the entry recorded first and writes nothing:
 * two concurrent writers of the same key produce one entry.
 */
public interface Ledger {
    /** The order of an export across chains: when it was decided, then chain and seq to break ties. */
    Comparator<LedgerEntry> DECIDED_ORDER = Comparator.comparing((LedgerEntry e) -> e.record().at())
            .thenComparing(LedgerEntry::chain).thenComparingLong(LedgerEntry::seq);

    Appended append(LedgerRecord record);

    Optional<LedgerEntry> byIdempotencyKey(String key);

    /**
     * Appends many records, each as {@link #append} would (a key already used writes nothing). For a caller with
     * thousands of records at once (a roster import); adapters whose writes are round trips override it to spend
     * fewer of them. Not atomic as a whole: a retry converges, by the keys.
     */
    default void appendAll(List<LedgerRecord> records) {
        for (LedgerRecord r : records) append(r);
    }

    /**
     * Which of these idempotency keys an entry already carries: lets a caller with many records, most of them
     * recorded by an earlier run, append only the others. Adapters whose reads are round trips override this to
     * read the keys together. A key absent from the answer may still be taken by a concurrent writer by the time
     * it is appended; {@link #append} stays the arbiter.
     */
    default Set<String> usedKeys(Collection<String> keys) {
        Set<String> used = new HashSet<>();
        for (String key : keys) if (byIdempotencyKey(key).isPresent()) used.add(key);
        return used;
    }

    /**
     * The entries written with these idempotency keys, by key (a key no entry carries is left out): a caller that
     * reads a fixed set of known entries (the digest's readings of the last fourteen days) in a few round trips
     * instead of one lookup each. Adapters whose reads are round trips override this to read them together.
     */
    default Map<String, LedgerEntry> byIdempotencyKeys(Collection<String> keys) {
        Map<String, LedgerEntry> found = new LinkedHashMap<>();
        for (String key : keys) byIdempotencyKey(key).ifPresent(e -> found.put(key, e));
        return found;
    }

    /**
     * The entries of a chain decided at or after {@code from}, in order of {@code seq}: a caller that needs a chain's
     * recent entries only (the acts waiting for a second approval, which lapse within the policy's pendingHours) reads
     * what the window holds, not the chain's history. Adapters read the chain from its newest entry back.
     */
    default List<LedgerEntry> chainFrom(String chain, java.time.Instant from) {
        return chain(chain).stream().filter(e -> !e.record().at().isBefore(from)).toList();
    }

    /** A chain in order of {@code seq}. */
    List<LedgerEntry> chain(String chain);

    List<String> chains();

    /**
     * Several chains, by name, in the order asked (a status report reads every member's). Adapters whose reads are
     * network round trips override this to overlap them.
     */
    default Map<String, List<LedgerEntry>> chainsNamed(List<String> names) {
        Map<String, List<LedgerEntry>> chains = new LinkedHashMap<>();
        for (String name : names) chains.put(name, chain(name));
        return chains;
    }

    /**
     * Every entry about one device, across chains, in the order they were decided ({@code at}, then chain and
     * seq): the per-device export. Adapters with an index override this full read.
     */
    default List<LedgerEntry> aboutDevice(String deviceId) {
        return chains().stream()
                .flatMap(c -> chain(c).stream())
                .filter(e -> deviceId.equals(e.record().device()))
                .sorted(DECIDED_ORDER)
                .toList();
    }

    /**
     * The entries of one action decided at or after {@code from}, across chains, in the order they were decided: what
     * needs a person lately (the administrators' digest lists the devices whose network identity was unresolved in
     * the last two days). Adapters index the actions in {@link #FLAGGED} by action and time and override this full
     * read; another action is refused, since it would need the whole ledger.
     */
    default List<LedgerEntry> flagged(String action, java.time.Instant from) {
        if (!FLAGGED.contains(action)) throw new IllegalArgumentException("entries of '" + action + "' are not indexed by time: " + FLAGGED);
        return chains().stream()
                .flatMap(c -> chain(c).stream())
                .filter(e -> action.equals(e.record().action()) && !e.record().at().isBefore(from))
                .sorted(DECIDED_ORDER)
                .toList();
    }

    /** The actions {@link #flagged} answers: few entries a day, each a thing for a person to look at. */
    Set<String> FLAGGED = Set.of("nac.identity-unresolved");

    /**
     * The last entry of every chain, by chain name: what a ledger digest anchors. Adapters whose reads are round
     * trips override this to read only each chain's last entry.
     */
    default Map<String, LedgerEntry> heads() {
        Map<String, LedgerEntry> heads = new LinkedHashMap<>();
        for (String name : chains()) {
            List<LedgerEntry> entries = chain(name);
            if (!entries.isEmpty()) heads.put(name, entries.get(entries.size() - 1));
        }
        return heads;
    }

    /**
     * The campaign's counters ({@link CampaignTally}) as this ledger keeps them, each moved by the append that writes
     * the entry it counts, in the same atomic write. Empty when none has been kept yet: a ledger with nothing counted
     * and never reconciled (a new campaign before its first notice, or a ledger older than its counters until a
     * {@code tally.check} repairs it). A ledger that keeps no counters answers empty.
     */
    default Optional<CampaignTally> tally() {
        return Optional.empty();
    }

    /**
     * Adds {@code delta} to the counters and records {@code checkedAt} as their last reconciliation: what a
     * {@code tally.check} that found them drifted from the ledger does when asked to repair. Never part of an append.
     *
     * @throws UnsupportedOperationException when this ledger keeps no counters
     */
    default void correctTally(Map<String, Long> delta, java.time.Instant checkedAt) {
        throw new UnsupportedOperationException("this ledger keeps no campaign counters");
    }

    /** The result of an append: the entry as stored, and whether this call wrote it. */
    record Appended(LedgerEntry entry, boolean written) {
    }
}
