package org.appban.domain;

import java.util.Objects;

/**
 * A record as stored: its place in its chain ({@code seq}, starting at 1), the hash of the entry before it
 * ({@code previousHash}, all zeros for the first) and its own hash over both and the record.
 */
public record LedgerEntry(String chain, long seq, LedgerRecord record, String previousHash, String hash) {
    public static final String GENESIS = "0".repeat(64);

    public LedgerEntry {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }
}
