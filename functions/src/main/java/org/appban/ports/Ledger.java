package org.appban.ports;

import java.util.List;
import java.util.Optional;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;

/**
 * The append-only audit ledger. Entries are hash-chained per chain (one chain per member, one for the fleet).
 * An append that carries an idempotency key already used returns the entry recorded first and writes nothing:
 * two concurrent writers of the same key produce one entry.
 */
public interface Ledger {
    Appended append(LedgerRecord record);

    Optional<LedgerEntry> byIdempotencyKey(String key);

    /** A chain in order of {@code seq}. */
    List<LedgerEntry> chain(String chain);

    List<String> chains();

    /** The result of an append: the entry as stored, and whether this call wrote it. */
    record Appended(LedgerEntry entry, boolean written) {
    }
}
