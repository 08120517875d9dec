package org.appban.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.appban.json.Json;

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
 * names can be checked with {@code sha256sum} on the object as stored.
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
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

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

    /** The canonical bytes stored in the bucket. */
    public byte[] toBytes() {
        ObjectNode o = Json.object();
        o.put("format", FORMAT);
        o.put("ledger", ledger);
        o.put("number", number);
        o.put("at", at.toString());
        if (previous == null) {
            o.putNull("previous");
        } else {
            o.putObject("previous").put("key", previous.key()).put("sha256", previous.sha256());
        }
        o.put("kind", full() ? "full" : "incremental");
        if (!full()) o.putObject("checkpoint").put("key", checkpoint.key()).put("sha256", checkpoint.sha256());
        o.put("chains", chains);
        ObjectNode h = o.putObject("heads");
        heads.forEach((chain, head) -> h.putObject(chain).put("seq", head.seq()).put("hash", head.hash()));
        if (!full()) gone.forEach(o.putArray("gone")::add);
        return (Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a stored digest; anything that is not one, field by field, is {@link Malformed} with the reason. */
    public static LedgerDigest parse(byte[] bytes) {
        JsonNode o;
        try {
            o = Json.parse(bytes);
        } catch (IOException | RuntimeException e) {
            throw new Malformed("not JSON");
        }
        if (o == null || !o.isObject()) throw new Malformed("not a JSON object");
        String format = o.path("format").asText(null);
        if (!FORMAT.equals(format) && !FORMAT_V1.equals(format)) {
            throw new Malformed("format is '" + o.path("format").asText("") + "', expected '" + FORMAT + "' (or '" + FORMAT_V1 + "')");
        }
        String ledger = text(o, "ledger");
        if (!o.path("number").canConvertToLong() || !o.path("number").isIntegralNumber() || o.path("number").asLong() < 1) {
            throw new Malformed("number must be a whole number from 1");
        }
        long number = o.path("number").asLong();
        Instant at;
        try {
            at = Instant.parse(text(o, "at"));
        } catch (DateTimeParseException e) {
            throw new Malformed("at is not an ISO-8601 instant");
        }
        Link previous = null;
        JsonNode p = o.get("previous");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) throw new Malformed("previous must be an object or null");
            previous = link(p, "previous");
        }
        if ((number == 1) != (previous == null)) {
            throw new Malformed(number == 1 ? "digest 1 names a previous digest" : "digest " + number + " names no previous digest");
        }
        JsonNode heads = o.get("heads");
        if (heads == null || !heads.isObject()) throw new Malformed("heads must be an object");
        SortedMap<String, Head> map = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : heads.properties()) {
            JsonNode h = e.getValue();
            if (!h.path("seq").isIntegralNumber() || h.path("seq").asLong() < 1) {
                throw new Malformed("heads." + e.getKey() + ".seq must be a whole number from 1");
            }
            String hash = h.path("hash").asText("");
            if (!HEX64.matcher(hash).matches()) throw new Malformed("heads." + e.getKey() + ".hash is not 64 lower-case hex digits");
            map.put(e.getKey(), new Head(h.path("seq").asLong(), hash));
        }
        boolean full = FORMAT_V1.equals(format) || "full".equals(o.path("kind").asText(null));
        if (FORMAT.equals(format) && !full && !"incremental".equals(o.path("kind").asText(null))) {
            throw new Malformed("kind must be full or incremental");
        }
        if (FORMAT_V1.equals(format) && (o.has("kind") || o.has("checkpoint") || o.has("gone"))) {
            throw new Malformed("a " + FORMAT_V1 + " digest is full: it has no kind, checkpoint or gone");
        }
        if (full) {
            if (o.has("checkpoint") || o.has("gone")) throw new Malformed("a full digest has no checkpoint and no gone chains");
            if (o.path("chains").asInt(-1) != map.size() || !o.path("chains").isIntegralNumber()) {
                throw new Malformed("chains says " + o.path("chains").asText("?") + " but heads has " + map.size());
            }
            return new LedgerDigest(ledger, number, at, previous, map);
        }
        if (number == 1) throw new Malformed("digest 1 is incremental: the first digest must be full");
        JsonNode c = o.get("checkpoint");
        if (c == null || !c.isObject()) throw new Malformed("an incremental digest names its checkpoint: checkpoint must be an object");
        Link checkpoint = link(c, "checkpoint");
        long checkpointNumber = numberOfKey(checkpoint.key());
        if (checkpointNumber < 1 || checkpointNumber >= number) {
            throw new Malformed("checkpoint.key must be the key of an earlier digest, was " + checkpoint.key());
        }
        if (!o.path("chains").isIntegralNumber() || o.path("chains").asLong() < 0 || o.path("chains").asLong() > Integer.MAX_VALUE) {
            throw new Malformed("chains must be a whole number from 0");
        }
        JsonNode g = o.get("gone");
        SortedSet<String> gone = new TreeSet<>();
        if (g != null) {
            if (!g.isArray()) throw new Malformed("gone must be an array of chain names");
            for (JsonNode n : g) {
                if (!n.isTextual() || n.asText().isBlank()) throw new Malformed("gone must be an array of chain names");
                if (map.containsKey(n.asText())) throw new Malformed("chain " + n.asText() + " is both gone and in heads");
                gone.add(n.asText());
            }
        }
        return incremental(ledger, number, at, previous, checkpoint, map, gone, o.path("chains").asInt());
    }

    private static Link link(JsonNode p, String field) {
        String sha = p.get("sha256") != null && p.get("sha256").isTextual() ? p.get("sha256").asText() : "";
        if (!HEX64.matcher(sha).matches()) throw new Malformed(field + ".sha256 is not 64 lower-case hex digits");
        JsonNode key = p.get("key");
        if (key == null || !key.isTextual() || key.asText().isBlank()) throw new Malformed(field + ".key is missing or not a string");
        return new Link(key.asText(), sha);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new Malformed(field + " is missing or not a string");
        return v.asText();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
