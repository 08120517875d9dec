package org.appban.ledger;

import java.time.Instant;
import java.util.Map;
import org.appban.domain.LedgerEntry;

/**
 * The format of a ledger export, which an auditor verifies away from the table it came from ({@code ./appban ledger
 * verify --file}): one line per entry and, for the whole ledger, a manifest. {@code ledger.LedgerJson} in adapters
 * writes JSON lines; the CLI reads them back with it.
 */
public interface LedgerExportFormat {
    /** The entry as one line of an export, every field its hash covers, without a line break. */
    String line(LedgerEntry entry);

    /** The manifest's bytes, as written beside a whole-ledger export. */
    byte[] manifest(Manifest manifest);

    /**
     * What a whole-ledger export holds.
     *
     * @param ledger       the ledger's name, as its digests carry it
     * @param ledgerSha256 the SHA-256 of the exported lines
     * @param digests      each anchored digest copied, by its key, with its SHA-256, in the store's order
     */
    record Manifest(String ledger, Instant exportedAt, int chains, int entries, String ledgerSha256, Map<String, String> digests) {
    }
}
