package org.appban.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appban.domain.LedgerEntry;

/**
 * Checks a ledger against its anchored digests, and the digests against each other. Pure: the digests' bytes and
 * the chains in, every problem found out, each naming the digest (by key) and the chain and entry it is about.
 *
 * <p>What it finds, and why each matters:
 * <ul>
 *   <li><b>rewritten</b>: an anchored entry whose hash is not the one a digest recorded. Rewriting a chain means
 *       recomputing every hash after the change, so the chain still verifies on its own, but the heads anchored
 *       outside the table no longer match: the entry is named, with the last anchored entry that still matches
 *       (the rewrite starts between the two);</li>
 *   <li><b>deleted-chain</b>, <b>truncated</b>: a chain a digest anchored that the ledger no longer has, or has
 *       fewer entries of; between two digests, a chain the later one lacks or has shorter;</li>
 *   <li><b>missing-digest</b>: a number skipped, or more than {@code maxGap} (digests are written at least daily)
 *       between two digests or after the newest;</li>
 *   <li><b>malformed</b>, <b>other-ledger</b> (a digest of another stack's ledger), <b>out-of-order</b> (a key that
 *       does not match its number, a digest dated before its predecessor or naming another one as previous).</li>
 * </ul>
 * Entries written after the newest digest cannot be checked yet; they are counted ({@link Result#unanchored}).
 *
 * <p>Incremental digests hold only the heads that moved; the verifier rebuilds the state at each digest (its
 * checkpoint, the last full digest, with every increment since applied) and compares consecutive states as it
 * compared consecutive full digests. A check need not start at digest 1: from a checkpoint ({@link #latestCheckpoint}) it reads
 * that full digest and what followed, and sees everything the digests since then anchor; what it cannot see is what
 * only older digests recorded (a chain deleted, truncated or rewritten before the checkpoint was written, which the
 * checkpoint then anchored as the table held it; a digest before it missing or out of order). The complete check
 * from digest 1 sees those too.
 */
public final class DigestVerifier {
    /** Digests come at least daily; an hour's grace for a late schedule. */
    public static final Duration MAX_GAP = Duration.ofHours(25);

    public enum Kind {
        MALFORMED("malformed"), OTHER_LEDGER("other-ledger"), OUT_OF_ORDER("out-of-order"), MISSING_DIGEST("missing-digest"),
        REWRITTEN("rewritten"), DELETED_CHAIN("deleted-chain"), TRUNCATED("truncated");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** @param digest the digest's key, or null when the problem is the ledger's alone */
    public record Problem(Kind kind, String digest, String chain, String message) {
        @Override
        public String toString() {
            return kind.wireName() + ": " + message;
        }
    }

    /**
     * @param digests    valid digests of this ledger, in order
     * @param from       the digest the check started from: 1, or a checkpoint
     * @param newest     the newest valid digest's number, 0 when none
     * @param unanchored entries written after the newest digest (not yet checkable)
     */
    public record Result(String ledger, int digests, long from, long newest, Instant newestAt, int unanchored, List<Problem> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private final DigestFormat format;
    private final Duration maxGap;

    /** @param format how the digests' bytes read (the bucket's format, {@code LedgerDigestJson} in adapters) */
    public DigestVerifier(DigestFormat format) {
        this(format, MAX_GAP);
    }

    public DigestVerifier(DigestFormat format, Duration maxGap) {
        this.format = Objects.requireNonNull(format, "format");
        this.maxGap = Objects.requireNonNull(maxGap, "maxGap");
    }

    /**
     * The digests a check reads, and the number it starts from.
     *
     * @param note how the start was chosen, for the report
     */
    public record Selection(List<DigestStore.Stored> stored, long from, String note) {
    }

    /** The whole history: every digest from number 1. */
    public static Selection everything(DigestStore store) {
        return new Selection(store.all(), 1, "every digest from number 1");
    }

    /**
     * From the latest checkpoint (the newest digest if full, else the full digest it names), reading only that digest
     * and those after it. When the newest digest cannot be read or names a checkpoint that is not there, the check
     * cannot start from it: then every digest is read, and the check names what is wrong.
     */
    public Selection latestCheckpoint(DigestStore store) {
        Optional<DigestStore.Stored> newest = store.newest();
        if (newest.isEmpty()) return new Selection(List.of(), 1, "no digest");
        LedgerDigest d;
        try {
            d = format.read(newest.get().bytes());
        } catch (LedgerDigest.Malformed e) {
            Selection all = everything(store);
            return new Selection(all.stored(), 1, "every digest from number 1 (the newest, " + newest.get().key() + ", cannot be read)");
        }
        String checkpoint = d.full() ? newest.get().key() : d.checkpoint().key();
        List<DigestStore.Stored> since = store.since(checkpoint);
        if (since.isEmpty() || !since.get(0).key().equals(checkpoint)) {
            Selection all = everything(store);
            return new Selection(all.stored(), 1, "every digest from number 1 (the checkpoint " + checkpoint + " that the newest names is not there)");
        }
        return new Selection(since, LedgerDigest.numberOfKey(checkpoint), "from the latest checkpoint, " + checkpoint);
    }

    /**
     * From a named checkpoint: digest {@code number}, which must be a full digest.
     *
     * @throws IllegalArgumentException when there is no such digest or it is not full, naming a checkpoint to use
     */
    public Selection fromCheckpoint(DigestStore store, long number) {
        String key = LedgerDigest.key(number);
        List<DigestStore.Stored> since = store.since(key);
        if (since.isEmpty() || !since.get(0).key().equals(key)) throw new IllegalArgumentException("there is no digest " + number + " (" + key + ")");
        LedgerDigest d;
        try {
            d = format.read(since.get(0).bytes());
        } catch (LedgerDigest.Malformed e) {
            throw new IllegalArgumentException("digest " + number + " is malformed (" + e.getMessage() + "): a check cannot start from it");
        }
        if (!d.full()) {
            throw new IllegalArgumentException("digest " + number + " is incremental: a check starts from a full digest (its checkpoint is "
                    + LedgerDigest.numberOfKey(d.checkpoint().key()) + ")");
        }
        return new Selection(since, number, "from the checkpoint " + key);
    }

    /** {@link #verify(List, String, Map, boolean, Instant, long)} of a selection. */
    public Result verify(Selection selection, String ledger, Map<String, List<LedgerEntry>> chains, boolean complete, Instant asOf) {
        return verify(selection.stored(), ledger, chains, complete, asOf, selection.from());
    }

    /** Every digest from number 1 (the complete check). */
    public Result verify(List<DigestStore.Stored> stored, String ledger, Map<String, List<LedgerEntry>> chains, boolean complete, Instant asOf) {
        return verify(stored, ledger, chains, complete, asOf, 1);
    }

    /**
     * @param stored   every object found where the digests are kept (from digest {@code from} on)
     * @param ledger   the ledger the digests must be about (its table name), or null to take the newest digest's
     * @param chains   the ledger's chains, each in seq order
     * @param complete whether {@code chains} is the whole ledger (a table, a full export): only then is an anchored
     *                 chain that is absent a deleted chain; a partial export is checked for the chains it has
     * @param asOf     when the check is made (the newest digest must be less than {@code maxGap} older), or null
     * @param from     the first digest expected: 1 for the complete check, else a checkpoint (a full digest)
     */
    public Result verify(List<DigestStore.Stored> stored, String ledger, Map<String, List<LedgerEntry>> chains,
                         boolean complete, Instant asOf, long from) {
        List<Problem> problems = new ArrayList<>();
        List<Parsed> parsed = new ArrayList<>();
        for (DigestStore.Stored s : stored) {
            long keyNumber = LedgerDigest.numberOfKey(s.key());
            if (keyNumber < 0) {
                problems.add(new Problem(Kind.MALFORMED, s.key(), null, "digest " + s.key() + ": not a digest's key (digests/<countdown>-<number>.json)"));
                continue;
            }
            LedgerDigest d;
            try {
                d = format.read(s.bytes());
            } catch (LedgerDigest.Malformed e) {
                problems.add(new Problem(Kind.MALFORMED, s.key(), null, "digest " + s.key() + ": malformed: " + e.getMessage()));
                continue;
            }
            if (d.number() != keyNumber) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, s.key(), null, "digest " + s.key() + " holds number " + d.number()
                        + ", not the " + keyNumber + " its key says (moved or copied from elsewhere)"));
                continue;
            }
            parsed.add(new Parsed(s.key(), LedgerDigest.sha256(s.bytes()), d));
        }
        parsed.sort(Comparator.comparingLong(p -> p.digest.number()));
        String expected = ledger != null ? ledger : parsed.isEmpty() ? null : parsed.get(parsed.size() - 1).digest.ledger();
        List<Parsed> ours = new ArrayList<>();
        for (Parsed p : parsed) {
            if (p.digest.ledger().equals(expected)) {
                ours.add(p);
            } else {
                problems.add(new Problem(Kind.OTHER_LEDGER, p.key, null, "digest " + p.key + " is about ledger " + p.digest.ledger()
                        + ", not " + expected + " (a digest of another stack)"));
            }
        }
        ours.removeIf(p -> p.digest.number() < from);
        SortedMap<String, LedgerDigest.Head> state = checkSequence(ours, asOf, from, problems);
        checkLedger(ours, chains, complete, problems);
        Parsed newest = ours.isEmpty() ? null : ours.get(ours.size() - 1);
        // The newest state when it could be rebuilt, else the newest head each digest read anchored.
        Map<String, Long> anchoredUpTo = new HashMap<>();
        if (state != null) {
            state.forEach((chain, head) -> anchoredUpTo.put(chain, head.seq()));
        } else {
            for (Parsed p : ours) p.digest.heads().forEach((chain, head) -> anchoredUpTo.merge(chain, head.seq(), Math::max));
        }
        int unanchored = 0;
        for (Map.Entry<String, List<LedgerEntry>> c : chains.entrySet()) {
            long anchored = anchoredUpTo.getOrDefault(c.getKey(), 0L);
            for (LedgerEntry e : c.getValue()) if (e.seq() > anchored) unanchored++;
        }
        return new Result(expected, ours.size(), from, newest == null ? 0 : newest.digest.number(), newest == null ? null : newest.digest.at(),
                unanchored, List.copyOf(problems));
    }

    /**
     * The digests against each other: numbers without a gap, each naming the one before it, dates in order and less
     * than {@code maxGap} apart, and the state each leaves against the state before it (a chain gone, gone back or
     * with another hash at the same entry). Returns the newest state, or null when a gap or a bad digest left it
     * unknown (it is known again from the next full digest).
     */
    private SortedMap<String, LedgerDigest.Head> checkSequence(List<Parsed> ours, Instant asOf, long from, List<Problem> problems) {
        if (ours.isEmpty()) {
            problems.add(new Problem(Kind.MISSING_DIGEST, null, null, from == 1 ? "no digest of this ledger: nothing anchors it"
                    : "no digest of this ledger from " + LedgerDigest.key(from) + " on"));
            return null;
        }
        Parsed first = ours.get(0);
        if (first.digest.number() != from) {
            problems.add(new Problem(Kind.MISSING_DIGEST, first.key, null, "digests " + from + " to " + (first.digest.number() - 1)
                    + " are missing (the oldest present is " + first.key + ")"));
        }
        SortedMap<String, LedgerDigest.Head> state = null;
        LedgerDigest.Link checkpoint = null;
        if (first.digest.full()) {
            state = first.digest.applyTo(null);
            checkpoint = new LedgerDigest.Link(first.key, first.sha256);
        } else {
            problems.add(new Problem(Kind.MISSING_DIGEST, first.key, null, "digest " + first.key + " is incremental, and the checkpoint it builds on ("
                    + first.digest.checkpoint().key() + ") is not among the digests read: the state it updates is unknown"));
        }
        for (int i = 1; i < ours.size(); i++) {
            Parsed a = ours.get(i - 1);
            Parsed b = ours.get(i);
            long an = a.digest.number();
            long bn = b.digest.number();
            boolean follows = false;
            if (bn != an + 1) {
                problems.add(new Problem(Kind.MISSING_DIGEST, b.key, null, "digest" + (bn - an > 2 ? "s " + (an + 1) + " to " + (bn - 1) + " are" : " " + (an + 1) + " is")
                        + " missing, between " + a.key + " and " + b.key));
            } else if (!b.digest.previous().key().equals(a.key)) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " names " + b.digest.previous().key()
                        + " as the one before it, not " + a.key));
            } else if (!b.digest.previous().sha256().equals(a.sha256)) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " follows a digest with SHA-256 "
                        + b.digest.previous().sha256() + ", but " + a.key + " has " + a.sha256 + " (it is not the digest that was there)"));
            } else {
                follows = true;
            }
            if (b.digest.at().isBefore(a.digest.at())) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " (" + b.digest.at() + ") is dated before "
                        + a.key + " (" + a.digest.at() + ")"));
            } else if (bn == an + 1 && Duration.between(a.digest.at(), b.digest.at()).compareTo(maxGap) > 0) {
                problems.add(new Problem(Kind.MISSING_DIGEST, b.key, null, "no digest from " + a.digest.at() + " (" + a.key + ") to "
                        + b.digest.at() + " (" + b.key + "): more than " + maxGap.toHours() + " hours, and digests are written at least daily"));
            }
            if (!b.digest.full()) {
                if (checkpoint != null && !b.digest.checkpoint().equals(checkpoint)) {
                    problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " builds on " + b.digest.checkpoint().key()
                            + " (SHA-256 " + b.digest.checkpoint().sha256() + "), but the full digest before it is " + checkpoint.key()
                            + " (SHA-256 " + checkpoint.sha256() + ")"));
                    state = null;
                }
                if (!follows) state = null;
            }
            if (state != null) {
                compare(a, b, state, problems);
                state = b.digest.applyTo(state);
                if (state.size() != b.digest.chains()) {
                    problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " says the ledger has " + b.digest.chains()
                            + " chains, but the digests up to it hold " + state.size() + " (it does not follow from the digests before it)"));
                    state = null;
                }
            } else if (b.digest.full()) {
                state = b.digest.applyTo(null);
            }
            if (b.digest.full()) checkpoint = new LedgerDigest.Link(b.key, b.sha256);
        }
        Parsed newest = ours.get(ours.size() - 1);
        if (asOf != null && Duration.between(newest.digest.at(), asOf).compareTo(maxGap) > 0) {
            problems.add(new Problem(Kind.MISSING_DIGEST, newest.key, null, "no digest since " + newest.digest.at() + " (" + newest.key
                    + "), more than " + maxGap.toHours() + " hours before " + asOf + ": anchoring stopped, or its digests are not here"));
        }
        return state;
    }

    /** The state digest {@code b} leaves against the state before it: every chain of it still there, no head gone back or changed. */
    private static void compare(Parsed a, Parsed b, SortedMap<String, LedgerDigest.Head> before, List<Problem> problems) {
        SortedMap<String, LedgerDigest.Head> after = b.digest.applyTo(before);
        for (String chain : b.digest.gone()) {
            if (!before.containsKey(chain)) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, chain, "digest " + b.key + " says chain " + chain
                        + " is gone, but the digests up to " + a.key + " do not hold it"));
            }
        }
        // A full digest may differ from the state anywhere; an increment only where it says.
        TreeSet<String> changed = new TreeSet<>(b.digest.full() ? before.keySet() : b.digest.gone());
        if (!b.digest.full()) changed.addAll(b.digest.heads().keySet());
        for (String chain : changed) {
            LedgerDigest.Head was = before.get(chain);
            if (was == null) continue;
            LedgerDigest.Head later = after.get(chain);
            if (later == null) {
                problems.add(new Problem(Kind.DELETED_CHAIN, b.key, chain, "chain " + chain + " (seq " + was.seq()
                        + " in " + a.key + ") is not in " + b.key + ": deleted between the two digests"));
            } else if (later.seq() < was.seq()) {
                problems.add(new Problem(Kind.TRUNCATED, b.key, chain, "chain " + chain + " went back from entry "
                        + was.seq() + " (" + a.key + ") to " + later.seq() + " (" + b.key + ")"));
            } else if (later.seq() == was.seq() && !later.hash().equals(was.hash())) {
                problems.add(new Problem(Kind.REWRITTEN, b.key, chain, "chain " + chain + " entry " + later.seq()
                        + " has one hash in " + a.key + " and another in " + b.key + ": rewritten between the two digests"));
            }
        }
    }

    /** Every anchored head against the chain as the ledger holds it: the first mismatch per chain is named. */
    private static void checkLedger(List<Parsed> ours, Map<String, List<LedgerEntry>> chains, boolean complete, List<Problem> problems) {
        // chain -> seq -> the first digest that anchored that entry (a seq is anchored by every digest until it moves on)
        Map<String, TreeMap<Long, Anchor>> anchors = new HashMap<>();
        for (Parsed p : ours) {
            p.digest.heads().forEach((chain, head) ->
                    anchors.computeIfAbsent(chain, c -> new TreeMap<>()).putIfAbsent(head.seq(), new Anchor(head.hash(), p.key)));
        }
        for (Map.Entry<String, TreeMap<Long, Anchor>> c : new TreeMap<>(anchors).entrySet()) {
            String chain = c.getKey();
            List<LedgerEntry> entries = chains.get(chain);
            if (entries == null) {
                if (complete) {
                    Map.Entry<Long, Anchor> last = c.getValue().lastEntry();
                    problems.add(new Problem(Kind.DELETED_CHAIN, last.getValue().digest, chain, "chain " + chain + " is not in the ledger, but "
                            + last.getValue().digest + " anchored it at entry " + last.getKey() + ": the chain was deleted"));
                }
                continue;
            }
            Map<Long, LedgerEntry> bySeq = new HashMap<>();
            for (LedgerEntry e : entries) bySeq.put(e.seq(), e);
            long lastGood = 0;
            for (Map.Entry<Long, Anchor> a : c.getValue().entrySet()) {
                LedgerEntry e = bySeq.get(a.getKey());
                if (e == null) {
                    problems.add(new Problem(Kind.TRUNCATED, a.getValue().digest, chain, "chain " + chain + " has no entry " + a.getKey()
                            + ", which " + a.getValue().digest + " anchored (the ledger has " + entries.size() + " entries): entries were removed"));
                    break;
                }
                if (!e.hash().equals(a.getValue().hash)) {
                    problems.add(new Problem(Kind.REWRITTEN, a.getValue().digest, chain, "chain " + chain + " entry " + a.getKey()
                            + " does not have the hash " + a.getValue().digest + " anchored: history was rewritten after entry " + lastGood
                            + (lastGood == 0 ? " (from the start)" : " (the last anchored entry that still matches)") + " and at or before entry " + a.getKey()));
                    break;
                }
                lastGood = a.getKey();
            }
        }
    }

    private record Parsed(String key, String sha256, LedgerDigest digest) {
    }

    private record Anchor(String hash, String digest) {
    }
}
