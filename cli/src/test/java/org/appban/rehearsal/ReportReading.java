package org.appban.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reading a rehearsal's report.json in the rehearsal ITs: its emails, actions and devices by what a test names. */
final class ReportReading {
    private ReportReading() {
    }

    /** The email of that kind to that member, or null when none was sent. */
    static JsonNode email(JsonNode report, String member, String kind) {
        for (JsonNode e : report.path("emails")) {
            if (e.path("member").asText().equals(member) && e.path("kind").asText().equals(kind)) return e;
        }
        return null;
    }

    static List<JsonNode> actions(JsonNode report, String kind, String member) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode a : report.path("actions")) {
            if (a.path("kind").asText().equals(kind) && a.path("member").asText().equals(member)) out.add(a);
        }
        return out;
    }

    /** The device with that fleet id; a test naming one the report lacks fails there. */
    static JsonNode device(JsonNode report, String id) {
        for (JsonNode d : report.path("devices")) if (d.path("id").asText().equals(id)) return d;
        throw new AssertionError("no device " + id + " in the report");
    }

    /** When an action, an email or a ledger entry happened (its {@code at}, with the offset it was written in). */
    static Instant at(JsonNode entry) {
        return OffsetDateTime.parse(entry.path("at").asText()).toInstant();
    }
}
