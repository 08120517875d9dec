package org.appban.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the ledger's chains looked like at one moment, anchored outside the table: the heads (last seq and its hash)
 * of its chains, the ledger it is about, its number, and the previous digest it follows (its key and the SHA-256 of
 * its bytes). Written to a bucket under S3 Object Lock (compliance mode), where nobody, the account's root included,
 * can change or delete it until its retention ends.
 *
 * <p>Two kinds. A <b>full</b> digest (a checkpoint; every digest of format v1 is one) holds every chain's head. An
 * <b>incremental</b> digest holds only the heads that differ from the state the digests before it describe (the
 * chains that moved), the chains that state held and the ledger no longer has ({@code gone}), how many chains the
 * state now holds, and the full digest it builds on ({@code checkpoint}, key and SHA-256). So the state at any
 * digest is its checkpoint's heads with every increment since applied in order; a check can start at a checkpoint and
 * read only what follows it, while a digest costs bytes in proportion to what changed, not to the roster.
 *
 * <p>Holding heads rather than a Merkle root keeps the check simple (an anchored head must still be in the table
 * with the same hash) and a deleted chain nameable; a head is a chain name ({@code fleet}, {@code member#<id>}), a
 * number and a hash, so a digest holds no personal data and can be kept as long as the ledger must be.
 *
 * <p>The bytes are canonical (fields in a fixed order, heads sorted by chain), so the SHA-256 that the next digest
 * names can be checked with {@code sha256sum} on the object as stored; {@code LedgerDigestJson} in adapters writes
 * and reads them ({@link DigestFormat}).
 *
 * @param ledger     the ledger table's name: a digest of another stack's ledger names another table
 * @param number     1 for the first digest, then one more each time
 * @param previous   the digest before this one, or null for the first
 * @param checkpoint null for a full digest; for an incremental one, the full digest whose state it updates
 * @param heads      a full digest: every chain's head; an incremental one: the heads that moved since the previous
 * @param gone       an incremental digest: chains of the previous state that the ledger no longer has (a deleted
 *                   chain, never an append's doing); empty for a full digest
 * @param chains     how many chains the state holds after this digest
 */
public record LedgerDigest(String ledger, long number, Instant at, Link previous, Link checkpoint, SortedMap<String, Head> heads,
                           SortedSet<String> gone, int chains) {
    /** The format written: full and incremental digests. */
    public static final String FORMAT = "appban.ledger-digest.v2";
    /** The first format, every digest full: still read, since a bucket under Object Lock keeps them for years. */
    public static final String FORMAT_V1 = "appban.ledger-digest.v1";

    /** The last entry of a chain when the digest was made. */
    public record Head(long seq, String hash) {
        public Head {
            if (seq < 1) throw new IllegalArgumentException("seq must be at least 1, was " + seq);
            Objects.requireNonNull(hash, "hash");
        }
    }

    /** A digest named by its key in the bucket and the SHA-256 of its bytes. */
    public record Link(String key, String sha256) {
        public Link {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** A digest object that cannot be read as one: the check names it and fails. */
    public static final class Malformed extends RuntimeException {
        public Malformed(String message) {
            super(message);
        }
    }

    public LedgerDigest {
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(at, "at");
        if (number < 1) throw new IllegalArgumentException("number must be at least 1, was " + number);
        if ((number == 1) != (previous == null)) throw new IllegalArgumentException("only the first digest has no previous one");
        heads = Collections.unmodifiableSortedMap(new TreeMap<>(heads));
        gone = Collections.unmodifiableSortedSet(new TreeSet<>(gone));
        if (checkpoint == null && (!gone.isEmpty() || chains != heads.size())) {
            throw new IllegalArgumentException("a full digest holds every head: no gone chains, and chains is the number of heads");
        }
        if (chains < 0) throw new IllegalArgumentException("chains must not be negative, was " + chains);
    }

    /** A full digest (a checkpoint): every chain's head. */
    public LedgerDigest(String ledger, long number, Instant at, Link previous, SortedMap<String, Head> heads) {
        this(ledger, number, at, previous, null, heads, new TreeSet<>(), heads.size());
    }

    /** An incremental digest: what changed since {@code previous}, over the state of {@code checkpoint}. */
    public static LedgerDigest incremental(String ledger, long number, Instant at, Link previous, Link checkpoint,
                                           SortedMap<String, Head> moved, SortedSet<String> gone, int chains) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(previous, "previous");
        return new LedgerDigest(ledger, number, at, previous, checkpoint, moved, gone, chains);
    }

    /** A checkpoint: it holds every head, so a check can start here. */
    public boolean full() {
        return checkpoint == null;
    }

    /**
     * The state after this digest: {@code before} (the state after the previous digest; ignored by a full digest)
     * without the gone chains, with the moved heads.
     */
    public SortedMap<String, Head> applyTo(SortedMap<String, Head> before) {
        if (full()) return new TreeMap<>(heads);
        SortedMap<String, Head> after = new TreeMap<>(before);
        gone.forEach(after::remove);
        after.putAll(heads);
        return after;
    }

    /**
     * The key of digest {@code number}: {@code digests/<9999999999 - number>-<number>.json}. Counting down first
     * makes the newest digest the first key a listing returns, so finding it is one request however many there are;
     * the number after it is for people.
     */
    public static String key(long number) {
        return String.format("digests/%010d-%010d.json", 9_999_999_999L - number, number);
    }

    /** The number a key names, or -1 when it is not a digest key. */
    public static long numberOfKey(String key) {
        var m = Pattern.compile("(?:.*/)?(\\d{10})-(\\d{10})\\.json").matcher(key);
        if (!m.matches()) return -1;
        long number = Long.parseLong(m.group(2));
        return Long.parseLong(m.group(1)) == 9_999_999_999L - number ? number : -1;
    }

    public String key() {
        return key(number);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
