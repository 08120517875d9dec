package org.appban.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.json.Json;

/**
 * The export format of ledger entries: one JSON object per entry, every field that the hash covers, so an
 * exported ledger can be verified away from the table it came from; and the manifest of a whole-ledger export.
 */
public final class LedgerJson implements LedgerExportFormat {
    /** The entry as one line of an export (compact JSON, no line break). */
    public String toLine(LedgerEntry e) {
        return Json.write(toJson(e));
    }

    @Override
    public String line(LedgerEntry entry) {
        return toLine(entry);
    }

    /** Indented JSON for a person to read, its fields in this order, and a final line break. */
    @Override
    public byte[] manifest(Manifest m) {
        ObjectNode manifest = Json.object();
        manifest.put("ledger", m.ledger()).put("exportedAt", m.exportedAt().toString()).put("chains", m.chains()).put("entries", m.entries())
                .put("ledgerSha256", m.ledgerSha256());
        ObjectNode digests = manifest.putObject("digests");
        m.digests().forEach(digests::put);
        return (Json.pretty(manifest) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public ObjectNode toJson(LedgerEntry e) {
        LedgerRecord r = e.record();
        ObjectNode o = Json.object();
        o.put("chain", e.chain());
        o.put("seq", e.seq());
        o.put("at", r.at().toString());
        o.put("actorKind", r.actor().kind().wireName());
        o.put("actor", r.actor().id());
        if (r.member() != null) o.put("member", r.member());
        if (r.device() != null) o.put("device", r.device());
        o.put("action", r.action());
        o.put("outcome", r.outcome());
        o.put("dryRun", r.dryRun());
        if (r.idempotencyKey() != null) o.put("idempotencyKey", r.idempotencyKey());
        ObjectNode details = o.putObject("details");
        new java.util.TreeMap<>(r.details()).forEach(details::put);
        o.put("previousHash", e.previousHash());
        o.put("hash", e.hash());
        return o;
    }

    public LedgerEntry fromJson(JsonNode o) {
        Map<String, String> details = new LinkedHashMap<>();
        o.path("details").fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
        LedgerRecord r = new LedgerRecord(
                Instant.parse(o.path("at").asText()),
                new Actor(Actor.Kind.parse(o.path("actorKind").asText()), o.path("actor").asText()),
                text(o, "member"), text(o, "device"),
                o.path("action").asText(), o.path("outcome").asText(),
                o.path("dryRun").asBoolean(), text(o, "idempotencyKey"), details);
        return new LedgerEntry(o.path("chain").asText(), o.path("seq").asLong(), r,
                o.path("previousHash").asText(), o.path("hash").asText());
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
