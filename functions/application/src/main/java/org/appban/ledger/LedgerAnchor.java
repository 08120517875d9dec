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
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appban.domain.LedgerEntry;
import org.appban.ports.Ledger;

/**
 * Anchors the ledger: writes the next digest ({@link LedgerDigest}) to the digest store when a head moved since the
 * last digest, and at least once a day when none did (a day without a digest is then a sign that anchoring stopped,
 * which the check reports). Each digest names the one before it by key and SHA-256, and the store refuses to
 * overwrite a key, so two anchors racing for a number cannot both write it: the loser reads the winner's digest and
 * tries the next number.
 *
 * <p>Most digests are incremental: only the heads that moved since the previous digest (at 5,000 members a full
 * digest is about 500 KB, and one written every hour or after every run made a check of a year's digests read
 * gigabytes). A full digest, the checkpoint a check can start from, is written first, then whenever the last one is
 * {@code checkpointEvery} old (a day), or {@value #MAX_INCREMENTS} increments follow it (so rebuilding the state after
 * a cold start reads a bounded number of objects). To know what moved, the anchor needs the anchored state: it keeps
 * the state it last wrote or read (a warm container reads only the newest digest, as before) and otherwise rebuilds
 * it from the newest digest's checkpoint and the increments since. If that cannot be rebuilt (an increment missing
 * or unreadable), it writes a full digest instead and names the reason as an anomaly.
 *
 * <p>The digest records the ledger as it is. If a head went backwards, vanished or changed its hash since the last
 * digest (a rewrite, a deleted chain), the new digest still says what the table holds now, the old digests stay as
 * they were, and {@link DigestVerifier} reports the difference from then on; the run also names it ({@link
 * Outcome#anomalies}) so the function can fail and raise its alarm at once.
 */
public final class LedgerAnchor {
    /** With an hourly schedule, the daily digest comes at most 24 hours after the last (within {@link DigestVerifier#MAX_GAP}). */
    static final Duration DAILY = Duration.ofHours(23);
    /** Increments after a checkpoint before the next digest is full regardless of the time. */
    static final int MAX_INCREMENTS = 240;
    private static final int MAX_ATTEMPTS = 5;

    private final Ledger ledger;
    private final DigestStore store;
    private final DigestFormat format;
    private final String ledgerName;
    private final Clock clock;
    private final Duration checkpointEvery;
    /** The anchored state after the digest this anchor last wrote or read; null until then. */
    private Known known;

    /** @param ledgerName the ledger table's name: every digest names it, so digests of two stacks cannot be mixed up */
    public LedgerAnchor(Ledger ledger, DigestStore store, DigestFormat format, String ledgerName, Clock clock) {
        this(ledger, store, format, ledgerName, clock, DAILY);
    }

    /**
     * @param checkpointEvery how old the last full digest may be before the next digest is full again; zero makes
     *                        every digest full (as before incremental digests: the cost benchmark's baseline)
     */
    public LedgerAnchor(Ledger ledger, DigestStore store, DigestFormat format, String ledgerName, Clock clock, Duration checkpointEvery) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        this.format = Objects.requireNonNull(format, "format");
        this.ledgerName = Objects.requireNonNull(ledgerName, "ledgerName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.checkpointEvery = Objects.requireNonNull(checkpointEvery, "checkpointEvery");
    }

    /**
     * @param result    {@code written} or {@code unchanged} (no head moved and the last digest is less than a day old)
     * @param kind      {@code full} or {@code incremental}: the digest written, or the newest one when unchanged
     * @param chains    how many chains the ledger has
     * @param heads     how many heads the digest holds (every chain's in a full digest, the moved ones otherwise)
     * @param anomalies what the ledger lost or changed since the previous digest, one line each (empty: none)
     */
    public record Outcome(String result, long number, String key, String kind, int chains, int heads, Instant at, List<String> anomalies) {
    }

    /** The anchored state after one digest: its key and SHA-256, the heads, and the checkpoint it builds on. */
    private record Known(String key, String sha256, LedgerDigest digest, SortedMap<String, LedgerDigest.Head> heads,
                         LedgerDigest.Link checkpoint, Instant checkpointAt, long checkpointNumber) {
    }

    public Outcome anchor() {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<DigestStore.Stored> newest = store.newest();
            LedgerDigest previous = newest.map(this::readOwn).orElse(null);
            if (previous != null && !previous.ledger().equals(ledgerName)) {
                throw new IllegalStateException("the digest store's newest digest " + newest.get().key() + " is about ledger "
                        + previous.ledger() + ", not " + ledgerName + ": the function points at another stack's digest bucket");
            }
            SortedMap<String, LedgerDigest.Head> heads = new TreeMap<>();
            for (Map.Entry<String, LedgerEntry> e : ledger.heads().entrySet()) {
                heads.put(e.getKey(), new LedgerDigest.Head(e.getValue().seq(), e.getValue().hash()));
            }
            List<String> anomalies = new ArrayList<>();
            Known state = previous == null ? null : stateAt(newest.get(), previous, anomalies);
            if (state != null && anomalies.isEmpty() && state.heads().equals(heads) && Duration.between(previous.at(), now).compareTo(DAILY) < 0) {
                return new Outcome("unchanged", previous.number(), newest.get().key(), previous.full() ? "full" : "incremental",
                        heads.size(), previous.heads().size(), previous.at(), List.of());
            }
            if (state != null) anomalies.addAll(anomalies(previous.number(), state.heads(), heads));
            long number = previous == null ? 1 : previous.number() + 1;
            LedgerDigest.Link link = previous == null ? null : new LedgerDigest.Link(newest.get().key(), LedgerDigest.sha256(newest.get().bytes()));
            boolean full = state == null || checkpointEvery.isZero()
                    || Duration.between(state.checkpointAt(), now).compareTo(checkpointEvery) >= 0
                    || number - state.checkpointNumber() > MAX_INCREMENTS;
            LedgerDigest next;
            if (full) {
                next = new LedgerDigest(ledgerName, number, now, link, heads);
            } else {
                SortedMap<String, LedgerDigest.Head> moved = new TreeMap<>();
                heads.forEach((chain, head) -> {
                    if (!head.equals(state.heads().get(chain))) moved.put(chain, head);
                });
                SortedSet<String> gone = new TreeSet<>(state.heads().keySet());
                gone.removeAll(heads.keySet());
                next = LedgerDigest.incremental(ledgerName, number, now, link, state.checkpoint(), moved, gone, heads.size());
            }
            byte[] bytes = format.write(next);
            if (store.create(next.key(), bytes)) {
                known = full
                        ? new Known(next.key(), LedgerDigest.sha256(bytes), next, heads, new LedgerDigest.Link(next.key(), LedgerDigest.sha256(bytes)), now, number)
                        : new Known(next.key(), LedgerDigest.sha256(bytes), next, heads, state.checkpoint(), state.checkpointAt(), state.checkpointNumber());
                return new Outcome("written", number, next.key(), full ? "full" : "incremental", heads.size(), next.heads().size(), now,
                        List.copyOf(anomalies));
            }
            // Another anchor wrote this number first: read its digest and go on from there.
        }
        throw new IllegalStateException("ledger anchor: gave up after " + MAX_ATTEMPTS + " attempts, each losing its digest number to another writer");
    }

    /**
     * The anchored state after {@code newest}: the one this anchor knows when the newest is the digest it last saw or
     * the one right after it; else rebuilt from the newest's checkpoint. Null (with the reason added to {@code anomalies})
     * when it cannot be rebuilt: the next digest is then full.
     */
    private Known stateAt(DigestStore.Stored newest, LedgerDigest digest, List<String> anomalies) {
        String sha = LedgerDigest.sha256(newest.bytes());
        if (known != null && known.key().equals(newest.key()) && known.sha256().equals(sha)) return known;
        if (digest.full()) {
            return known = new Known(newest.key(), sha, digest, digest.heads(), new LedgerDigest.Link(newest.key(), sha), digest.at(), digest.number());
        }
        if (known != null && digest.previous().equals(new LedgerDigest.Link(known.key(), known.sha256())) && digest.checkpoint().equals(known.checkpoint())) {
            return known = new Known(newest.key(), sha, digest, digest.applyTo(known.heads()), known.checkpoint(), known.checkpointAt(), known.checkpointNumber());
        }
        List<DigestStore.Stored> since = store.since(digest.checkpoint().key());
        SortedMap<String, LedgerDigest.Head> heads = null;
        Instant checkpointAt = null;
        DigestStore.Stored before = null;
        for (DigestStore.Stored s : since) {
            LedgerDigest d;
            try {
                d = format.read(s.bytes());
            } catch (LedgerDigest.Malformed e) {
                anomalies.add("digest " + s.key() + " is malformed (" + e.getMessage() + "): the anchored state cannot be rebuilt, so this digest is full");
                return null;
            }
            if (before == null) {
                if (!s.key().equals(digest.checkpoint().key()) || !LedgerDigest.sha256(s.bytes()).equals(digest.checkpoint().sha256()) || !d.full()) {
                    anomalies.add("the checkpoint " + digest.checkpoint().key() + " that " + newest.key() + " names is not in the store as named:"
                            + " the anchored state cannot be rebuilt, so this digest is full");
                    return null;
                }
                checkpointAt = d.at();
            } else if (d.previous() == null || !d.previous().equals(new LedgerDigest.Link(before.key(), LedgerDigest.sha256(before.bytes())))) {
                anomalies.add("digest " + s.key() + " does not follow " + before.key() + ": the anchored state cannot be rebuilt, so this digest is full");
                return null;
            }
            heads = d.applyTo(heads);
            before = s;
        }
        if (before == null || !before.key().equals(newest.key())) {
            anomalies.add("the digests from " + digest.checkpoint().key() + " to " + newest.key() + " are not all in the store:"
                    + " the anchored state cannot be rebuilt, so this digest is full");
            return null;
        }
        return known = new Known(newest.key(), sha, digest, heads, digest.checkpoint(), checkpointAt, LedgerDigest.numberOfKey(digest.checkpoint().key()));
    }

    private LedgerDigest readOwn(DigestStore.Stored stored) {
        try {
            LedgerDigest d = format.read(stored.bytes());
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
    static List<String> anomalies(long previousNumber, SortedMap<String, LedgerDigest.Head> before, SortedMap<String, LedgerDigest.Head> heads) {
        List<String> found = new ArrayList<>();
        before.forEach((chain, was) -> {
            LedgerDigest.Head now = heads.get(chain);
            if (now == null) {
                found.add("chain " + chain + " (entry " + was.seq() + " in digest " + previousNumber + ") is gone");
            } else if (now.seq() < was.seq()) {
                found.add("chain " + chain + " went back from entry " + was.seq() + " to " + now.seq());
            } else if (now.seq() == was.seq() && !now.hash().equals(was.hash())) {
                found.add("chain " + chain + " entry " + now.seq() + " has another hash than in digest " + previousNumber);
            }
        });
        return found;
    }
}
