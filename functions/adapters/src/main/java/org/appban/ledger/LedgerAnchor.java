package org.appban.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.appban.domain.LedgerEntry;
import org.appban.ports.Ledger;

/**
 * Anchors the ledger: writes the next digest ({@link LedgerDigest}) of every chain's head to the digest store when a
 * head moved since the last digest, and at least once a day when none did (a day without a digest is then a sign
 * that anchoring stopped, which the check reports). Each digest names the one before it by key and SHA-256, and the
 * store refuses to overwrite a key, so two anchors racing for a number cannot both write it: the loser reads the
 * winner's digest and tries the next number.
 *
 * <p>The digest records the ledger as it is. If a head went backwards, vanished or changed its hash since the last
 * digest (a rewrite, a deleted chain), the new digest still says what the table holds now, the old digests stay as
 * they were, and {@link DigestVerifier} reports the difference from then on; the run also names it ({@link
 * Outcome#anomalies}) so the function can fail and raise its alarm at once.
 */
public final class LedgerAnchor {
    /** With an hourly schedule, the daily digest comes at most 24 hours after the last (within {@link DigestVerifier#MAX_GAP}). */
    static final Duration DAILY = Duration.ofHours(23);
    private static final int MAX_ATTEMPTS = 5;

    private final Ledger ledger;
    private final DigestStore store;
    private final String ledgerName;
    private final Clock clock;

    /** @param ledgerName the ledger table's name: every digest names it, so digests of two stacks cannot be mixed up */
    public LedgerAnchor(Ledger ledger, DigestStore store, String ledgerName, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        this.ledgerName = Objects.requireNonNull(ledgerName, "ledgerName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param result    {@code written} or {@code unchanged} (no head moved and the last digest is less than a day old)
     * @param anomalies what the ledger lost or changed since the previous digest, one line each (empty: none)
     */
    public record Outcome(String result, long number, String key, int chains, Instant at, List<String> anomalies) {
    }

    public Outcome anchor() {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<DigestStore.Stored> newest = store.newest();
            LedgerDigest previous = newest.map(LedgerAnchor::readOwn).orElse(null);
            if (previous != null && !previous.ledger().equals(ledgerName)) {
                throw new IllegalStateException("the digest store's newest digest " + newest.get().key() + " is about ledger "
                        + previous.ledger() + ", not " + ledgerName + ": the function points at another stack's digest bucket");
            }
            SortedMap<String, LedgerDigest.Head> heads = new TreeMap<>();
            for (Map.Entry<String, LedgerEntry> e : ledger.heads().entrySet()) {
                heads.put(e.getKey(), new LedgerDigest.Head(e.getValue().seq(), e.getValue().hash()));
            }
            if (previous != null && previous.heads().equals(heads) && Duration.between(previous.at(), now).compareTo(DAILY) < 0) {
                return new Outcome("unchanged", previous.number(), newest.get().key(), heads.size(), previous.at(), List.of());
            }
            List<String> anomalies = previous == null ? List.of() : anomalies(previous, heads);
            LedgerDigest next = new LedgerDigest(ledgerName, previous == null ? 1 : previous.number() + 1, now,
                    previous == null ? null : new LedgerDigest.Link(newest.get().key(), LedgerDigest.sha256(newest.get().bytes())), heads);
            if (store.create(next.key(), next.toBytes())) {
                return new Outcome("written", next.number(), next.key(), heads.size(), now, anomalies);
            }
            // Another anchor wrote this number first: read its digest and go on from there.
        }
        throw new IllegalStateException("ledger anchor: gave up after " + MAX_ATTEMPTS + " attempts, each losing its digest number to another writer");
    }

    private static LedgerDigest readOwn(DigestStore.Stored stored) {
        try {
            LedgerDigest d = LedgerDigest.parse(stored.bytes());
            if (LedgerDigest.numberOfKey(stored.key()) != d.number()) {
                throw new IllegalStateException("the newest digest " + stored.key() + " holds number " + d.number() + ", not the one its key says");
            }
            return d;
        } catch (LedgerDigest.Malformed e) {
            // Nothing can follow a digest that cannot be read: stop and say so (the function's error alarm).
            throw new IllegalStateException("the newest digest " + stored.key() + " is malformed (" + e.getMessage() + "); no digest can follow it", e);
        }
    }

    /** Heads that went back or vanished since the previous digest: never an append's doing. */
    static List<String> anomalies(LedgerDigest previous, SortedMap<String, LedgerDigest.Head> heads) {
        List<String> found = new ArrayList<>();
        previous.heads().forEach((chain, before) -> {
            LedgerDigest.Head now = heads.get(chain);
            if (now == null) {
                found.add("chain " + chain + " (entry " + before.seq() + " in digest " + previous.number() + ") is gone");
            } else if (now.seq() < before.seq()) {
                found.add("chain " + chain + " went back from entry " + before.seq() + " to " + now.seq());
            } else if (now.seq() == before.seq() && !now.hash().equals(before.hash())) {
                found.add("chain " + chain + " entry " + now.seq() + " has another hash than in digest " + previous.number());
            }
        });
        return found;
    }
}
