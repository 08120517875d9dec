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
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.appban.json.Json;

/**
 * What the ledger's chains looked like at one moment, anchored outside the table: the head (last seq and its hash)
 * of every chain, the ledger it is about, its number, and the previous digest it follows (its key and the SHA-256 of
 * its bytes). Written to a bucket under S3 Object Lock (compliance mode), where nobody, the account's root included,
 * can change or delete it until its retention ends.
 *
 * <p>Holding every head rather than a Merkle root keeps the check simple (an anchored head must still be in the table
 * with the same hash) and a deleted chain nameable; a head is a chain name ({@code fleet}, {@code member#<id>}), a
 * number and a hash, so a digest holds no personal data and can be kept as long as the ledger must be.
 *
 * <p>The bytes are canonical (fields in a fixed order, heads sorted by chain), so the SHA-256 that the next digest
 * names can be checked with {@code sha256sum} on the object as stored.
 *
 * @param ledger   the ledger table's name: a digest of another stack's ledger names another table
 * @param number   1 for the first digest, then one more each time
 * @param previous the digest before this one, or null for the first
 */
public record LedgerDigest(String ledger, long number, Instant at, Link previous, SortedMap<String, Head> heads) {
    public static final String FORMAT = "appban.ledger-digest.v1";
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
        o.put("chains", heads.size());
        ObjectNode h = o.putObject("heads");
        heads.forEach((chain, head) -> h.putObject(chain).put("seq", head.seq()).put("hash", head.hash()));
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
        if (!FORMAT.equals(o.path("format").asText(null))) {
            throw new Malformed("format is '" + o.path("format").asText("") + "', expected '" + FORMAT + "'");
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
            String sha = text(p, "sha256");
            if (!HEX64.matcher(sha).matches()) throw new Malformed("previous.sha256 is not 64 lower-case hex digits");
            previous = new Link(text(p, "key"), sha);
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
        if (o.path("chains").asInt(-1) != map.size()) {
            throw new Malformed("chains says " + o.path("chains").asText("?") + " but heads has " + map.size());
        }
        return new LedgerDigest(ledger, number, at, previous, map);
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
