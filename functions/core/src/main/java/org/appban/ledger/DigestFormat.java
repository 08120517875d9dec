package org.appban.ledger;

/**
 * A ledger digest's canonical bytes, written and read back: the port the anchor writes a digest and reads the ones
 * before it through ({@code ledger.LedgerDigestJson} in adapters, the format the bucket holds). The next digest names
 * the SHA-256 of these bytes, so the same digest must always be written the same.
 */
public interface DigestFormat {
    byte[] write(LedgerDigest digest);

    /** @throws LedgerDigest.Malformed naming what is wrong, for bytes that are not a digest */
    LedgerDigest read(byte[] bytes);
}
