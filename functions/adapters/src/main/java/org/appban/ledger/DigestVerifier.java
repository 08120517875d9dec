package org.appban.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
     * @param newest     the newest valid digest's number, 0 when none
     * @param unanchored entries written after the newest digest (not yet checkable)
     */
    public record Result(String ledger, int digests, long newest, Instant newestAt, int unanchored, List<Problem> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private final Duration maxGap;

    public DigestVerifier() {
        this(MAX_GAP);
    }

    public DigestVerifier(Duration maxGap) {
        this.maxGap = Objects.requireNonNull(maxGap, "maxGap");
    }

    /**
     * @param stored   every object found where the digests are kept
     * @param ledger   the ledger the digests must be about (its table name), or null to take the newest digest's
     * @param chains   the ledger's chains, each in seq order
     * @param complete whether {@code chains} is the whole ledger (a table, a full export): only then is an anchored
     *                 chain that is absent a deleted chain; a partial export is checked for the chains it has
     * @param asOf     when the check is made (the newest digest must be less than {@code maxGap} older), or null
     */
    public Result verify(List<DigestStore.Stored> stored, String ledger, Map<String, List<LedgerEntry>> chains,
                         boolean complete, Instant asOf) {
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
                d = LedgerDigest.parse(s.bytes());
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
        checkSequence(ours, asOf, problems);
        checkLedger(ours, chains, complete, problems);
        Parsed newest = ours.isEmpty() ? null : ours.get(ours.size() - 1);
        int unanchored = 0;
        for (Map.Entry<String, List<LedgerEntry>> c : chains.entrySet()) {
            LedgerDigest.Head head = newest == null ? null : newest.digest.heads().get(c.getKey());
            long anchored = head == null ? 0 : head.seq();
            for (LedgerEntry e : c.getValue()) if (e.seq() > anchored) unanchored++;
        }
        return new Result(expected, ours.size(), newest == null ? 0 : newest.digest.number(), newest == null ? null : newest.digest.at(),
                unanchored, List.copyOf(problems));
    }

    private void checkSequence(List<Parsed> ours, Instant asOf, List<Problem> problems) {
        if (ours.isEmpty()) {
            problems.add(new Problem(Kind.MISSING_DIGEST, null, null, "no digest of this ledger: nothing anchors it"));
            return;
        }
        Parsed first = ours.get(0);
        if (first.digest.number() != 1) {
            problems.add(new Problem(Kind.MISSING_DIGEST, first.key, null, "digests 1 to " + (first.digest.number() - 1)
                    + " are missing (the oldest present is " + first.key + ")"));
        }
        for (int i = 1; i < ours.size(); i++) {
            Parsed a = ours.get(i - 1);
            Parsed b = ours.get(i);
            long an = a.digest.number();
            long bn = b.digest.number();
            if (bn != an + 1) {
                problems.add(new Problem(Kind.MISSING_DIGEST, b.key, null, "digest" + (bn - an > 2 ? "s " + (an + 1) + " to " + (bn - 1) + " are" : " " + (an + 1) + " is")
                        + " missing, between " + a.key + " and " + b.key));
            } else if (!b.digest.previous().key().equals(a.key)) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " names " + b.digest.previous().key()
                        + " as the one before it, not " + a.key));
            } else if (!b.digest.previous().sha256().equals(a.sha256)) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " follows a digest with SHA-256 "
                        + b.digest.previous().sha256() + ", but " + a.key + " has " + a.sha256 + " (it is not the digest that was there)"));
            }
            if (b.digest.at().isBefore(a.digest.at())) {
                problems.add(new Problem(Kind.OUT_OF_ORDER, b.key, null, "digest " + b.key + " (" + b.digest.at() + ") is dated before "
                        + a.key + " (" + a.digest.at() + ")"));
            } else if (bn == an + 1 && Duration.between(a.digest.at(), b.digest.at()).compareTo(maxGap) > 0) {
                problems.add(new Problem(Kind.MISSING_DIGEST, b.key, null, "no digest from " + a.digest.at() + " (" + a.key + ") to "
                        + b.digest.at() + " (" + b.key + "): more than " + maxGap.toHours() + " hours, and digests are written at least daily"));
            }
            for (Map.Entry<String, LedgerDigest.Head> h : a.digest.heads().entrySet()) {
                LedgerDigest.Head later = b.digest.heads().get(h.getKey());
                if (later == null) {
                    problems.add(new Problem(Kind.DELETED_CHAIN, b.key, h.getKey(), "chain " + h.getKey() + " (seq " + h.getValue().seq()
                            + " in " + a.key + ") is not in " + b.key + ": deleted between the two digests"));
                } else if (later.seq() < h.getValue().seq()) {
                    problems.add(new Problem(Kind.TRUNCATED, b.key, h.getKey(), "chain " + h.getKey() + " went back from entry "
                            + h.getValue().seq() + " (" + a.key + ") to " + later.seq() + " (" + b.key + ")"));
                } else if (later.seq() == h.getValue().seq() && !later.hash().equals(h.getValue().hash())) {
                    problems.add(new Problem(Kind.REWRITTEN, b.key, h.getKey(), "chain " + h.getKey() + " entry " + later.seq()
                            + " has one hash in " + a.key + " and another in " + b.key + ": rewritten between the two digests"));
                }
            }
        }
        Parsed newest = ours.get(ours.size() - 1);
        if (asOf != null && Duration.between(newest.digest.at(), asOf).compareTo(maxGap) > 0) {
            problems.add(new Problem(Kind.MISSING_DIGEST, newest.key, null, "no digest since " + newest.digest.at() + " (" + newest.key
                    + "), more than " + maxGap.toHours() + " hours before " + asOf + ": anchoring stopped, or its digests are not here"));
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
