package org.appban.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.appban.json.Json;

/**
 * A {@link LedgerDigest}'s canonical bytes as the bucket holds them (formats {@value LedgerDigest#FORMAT} and, read
 * only, {@value LedgerDigest#FORMAT_V1}): JSON with its fields in a fixed order and the heads sorted by chain.
 */
public final class LedgerDigestJson implements DigestFormat {
    /** The one instance: the format has no settings. */
    public static final LedgerDigestJson JSON = new LedgerDigestJson();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private LedgerDigestJson() {
    }

    @Override
    public byte[] write(LedgerDigest digest) {
        return toBytes(digest);
    }

    @Override
    public LedgerDigest read(byte[] bytes) {
        return parse(bytes);
    }

    /** The canonical bytes stored in the bucket. */
    public static byte[] toBytes(LedgerDigest d) {
        ObjectNode o = Json.object();
        o.put("format", LedgerDigest.FORMAT);
        o.put("ledger", d.ledger());
        o.put("number", d.number());
        o.put("at", d.at().toString());
        if (d.previous() == null) {
            o.putNull("previous");
        } else {
            o.putObject("previous").put("key", d.previous().key()).put("sha256", d.previous().sha256());
        }
        o.put("kind", d.full() ? "full" : "incremental");
        if (!d.full()) o.putObject("checkpoint").put("key", d.checkpoint().key()).put("sha256", d.checkpoint().sha256());
        o.put("chains", d.chains());
        ObjectNode h = o.putObject("heads");
        d.heads().forEach((chain, head) -> h.putObject(chain).put("seq", head.seq()).put("hash", head.hash()));
        if (!d.full()) d.gone().forEach(o.putArray("gone")::add);
        return (Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a stored digest; anything that is not one, field by field, is {@link LedgerDigest.Malformed} with the reason. */
    public static LedgerDigest parse(byte[] bytes) {
        JsonNode o;
        try {
            o = Json.parse(bytes);
        } catch (IOException | RuntimeException e) {
            throw new LedgerDigest.Malformed("not JSON");
        }
        if (o == null || !o.isObject()) throw new LedgerDigest.Malformed("not a JSON object");
        String format = o.path("format").asText(null);
        if (!LedgerDigest.FORMAT.equals(format) && !LedgerDigest.FORMAT_V1.equals(format)) {
            throw new LedgerDigest.Malformed("format is '" + o.path("format").asText("") + "', expected '" + LedgerDigest.FORMAT + "' (or '" + LedgerDigest.FORMAT_V1 + "')");
        }
        String ledger = text(o, "ledger");
        if (!o.path("number").canConvertToLong() || !o.path("number").isIntegralNumber() || o.path("number").asLong() < 1) {
            throw new LedgerDigest.Malformed("number must be a whole number from 1");
        }
        long number = o.path("number").asLong();
        Instant at;
        try {
            at = Instant.parse(text(o, "at"));
        } catch (DateTimeParseException e) {
            throw new LedgerDigest.Malformed("at is not an ISO-8601 instant");
        }
        LedgerDigest.Link previous = null;
        JsonNode p = o.get("previous");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) throw new LedgerDigest.Malformed("previous must be an object or null");
            previous = link(p, "previous");
        }
        if ((number == 1) != (previous == null)) {
            throw new LedgerDigest.Malformed(number == 1 ? "digest 1 names a previous digest" : "digest " + number + " names no previous digest");
        }
        JsonNode heads = o.get("heads");
        if (heads == null || !heads.isObject()) throw new LedgerDigest.Malformed("heads must be an object");
        SortedMap<String, LedgerDigest.Head> map = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : heads.properties()) {
            JsonNode h = e.getValue();
            if (!h.path("seq").isIntegralNumber() || h.path("seq").asLong() < 1) {
                throw new LedgerDigest.Malformed("heads." + e.getKey() + ".seq must be a whole number from 1");
            }
            String hash = h.path("hash").asText("");
            if (!HEX64.matcher(hash).matches()) throw new LedgerDigest.Malformed("heads." + e.getKey() + ".hash is not 64 lower-case hex digits");
            map.put(e.getKey(), new LedgerDigest.Head(h.path("seq").asLong(), hash));
        }
        boolean full = LedgerDigest.FORMAT_V1.equals(format) || "full".equals(o.path("kind").asText(null));
        if (LedgerDigest.FORMAT.equals(format) && !full && !"incremental".equals(o.path("kind").asText(null))) {
            throw new LedgerDigest.Malformed("kind must be full or incremental");
        }
        if (LedgerDigest.FORMAT_V1.equals(format) && (o.has("kind") || o.has("checkpoint") || o.has("gone"))) {
            throw new LedgerDigest.Malformed("a " + LedgerDigest.FORMAT_V1 + " digest is full: it has no kind, checkpoint or gone");
        }
        if (full) {
            if (o.has("checkpoint") || o.has("gone")) throw new LedgerDigest.Malformed("a full digest has no checkpoint and no gone chains");
            if (o.path("chains").asInt(-1) != map.size() || !o.path("chains").isIntegralNumber()) {
                throw new LedgerDigest.Malformed("chains says " + o.path("chains").asText("?") + " but heads has " + map.size());
            }
            return new LedgerDigest(ledger, number, at, previous, map);
        }
        if (number == 1) throw new LedgerDigest.Malformed("digest 1 is incremental: the first digest must be full");
        JsonNode c = o.get("checkpoint");
        if (c == null || !c.isObject()) throw new LedgerDigest.Malformed("an incremental digest names its checkpoint: checkpoint must be an object");
        LedgerDigest.Link checkpoint = link(c, "checkpoint");
        long checkpointNumber = LedgerDigest.numberOfKey(checkpoint.key());
        if (checkpointNumber < 1 || checkpointNumber >= number) {
            throw new LedgerDigest.Malformed("checkpoint.key must be the key of an earlier digest, was " + checkpoint.key());
        }
        if (!o.path("chains").isIntegralNumber() || o.path("chains").asLong() < 0 || o.path("chains").asLong() > Integer.MAX_VALUE) {
            throw new LedgerDigest.Malformed("chains must be a whole number from 0");
        }
        JsonNode g = o.get("gone");
        SortedSet<String> gone = new TreeSet<>();
        if (g != null) {
            if (!g.isArray()) throw new LedgerDigest.Malformed("gone must be an array of chain names");
            for (JsonNode n : g) {
                if (!n.isTextual() || n.asText().isBlank()) throw new LedgerDigest.Malformed("gone must be an array of chain names");
                if (map.containsKey(n.asText())) throw new LedgerDigest.Malformed("chain " + n.asText() + " is both gone and in heads");
                gone.add(n.asText());
            }
        }
        return LedgerDigest.incremental(ledger, number, at, previous, checkpoint, map, gone, o.path("chains").asInt());
    }

    private static LedgerDigest.Link link(JsonNode p, String field) {
        String sha = p.get("sha256") != null && p.get("sha256").isTextual() ? p.get("sha256").asText() : "";
        if (!HEX64.matcher(sha).matches()) throw new LedgerDigest.Malformed(field + ".sha256 is not 64 lower-case hex digits");
        JsonNode key = p.get("key");
        if (key == null || !key.isTextual() || key.asText().isBlank()) throw new LedgerDigest.Malformed(field + ".key is missing or not a string");
        return new LedgerDigest.Link(key.asText(), sha);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new LedgerDigest.Malformed(field + " is missing or not a string");
        return v.asText();
    }
}
