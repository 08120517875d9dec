package org.appban.admin;

import java.time.Instant;
import java.util.List;
import org.appban.ledger.ChainVerifier;

/**
 * The ledger's audit operations an administrator asks for ({@code ledger.verify}, {@code ledger.export}): verify its
 * hash chains and, where the stack anchors them, the chains against their anchored digests; export what it holds
 * about one member or one device, or all of it with the digests. {@code LedgerAudit} in adapters does it: it reads
 * the digests and writes the exports in their wire formats (JSON lines, a JSON manifest).
 */
public interface LedgerAuditing {
    /**
     * @param firstBreak the first break in chain order (chains sorted by name), or null when intact
     * @param breaks     the first break of every broken chain
     * @param digests    the check against the anchored digests, or null where the stack has none
     */
    record Verification(int chains, int entries, boolean intact, ChainVerifier.Break firstBreak,
                        List<ChainVerifier.Break> breaks, DigestCheck digests) {
    }

    /**
     * @param from       where the check started: {@code every digest from number 1} or {@code from the (latest) checkpoint ...}
     * @param digests    how many digests it read
     * @param newest     the newest digest's number (0: none)
     * @param unanchored entries written after the newest digest, which no digest covers yet
     * @param problems   each problem, naming the digest and the chain or entry
     */
    record DigestCheck(String from, int digests, long newest, String newestAt, int unanchored, List<String> problems) {
    }

    /**
     * @param sha256 of the exported file, to quote when handing it on
     */
    record Export(String subject, int entries, String location, String sha256) {
    }

    /** Whether the stack anchors digests: then verifying also checks them, and the whole ledger can be exported. */
    boolean anchored();

    /**
     * Every chain, or only {@code chain} when given (unknown chain names are refused); with anchoring, also the
     * chains against the digests as of {@code at}.
     *
     * @param from which digests: null from the latest checkpoint, {@code start} every digest ever written, or a full
     *             digest's number
     * @throws org.appban.input.InvalidInputException naming {@code chain} or {@code from}
     */
    Verification verify(String chain, String from, Instant at);

    /** The whole ledger and its digests, for an auditor (only where {@link #anchored()}). */
    Export exportAll(Instant at);

    /** The member's chain, in order. */
    Export exportMember(String memberId, Instant at);

    /** Every entry about the device, across chains, in the order they were decided. */
    Export exportDevice(String deviceId, Instant at);
}
