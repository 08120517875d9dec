package org.appban.roster;

import org.appban.lambda.roster.RosterImportHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.appban.json.Json;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/** Every sample in events/roster-import is accepted by the handler and does what it says. */
class RosterImportEventsTest {
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final List<String> read = new ArrayList<>();
    private final RosterImportHandler handler = new RosterImportHandler(
            new RosterImport(new RosterParser(), members, new InMemoryLedger(), Clock.fixed(Instant.parse("2023-03-16T19:00:00Z"), ZoneOffset.UTC)),
            (bucket, key) -> {
                read.add(bucket + "/" + key);
                return new RosterFiles.RosterFile("id,name,email,role\nm1,Ana,ana@example.org,member\n".getBytes(StandardCharsets.UTF_8), "tag");
            });

    private JsonNode invoke(String file) throws Exception {
        byte[] event = Files.readAllBytes(org.appban.testing.ProjectLayout.root().resolve(Path.of("events", "roster-import", file)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return Json.parse(out.toByteArray());
    }

    @Test
    void the_s3_event_imports_the_object_it_names_with_its_key_decoded() throws Exception {
        JsonNode r = invoke("s3-object-created.json");
        assertEquals("done", r.path("status").asText(), r.toString());
        assertEquals(List.of("appban-prod-roster-111122223333-ap-southeast-2/rosters/parliament 2023-03-16.csv"), read);
        assertEquals(1, members.all().size());
    }

    @Test
    void the_sqs_continuation_reads_the_object_it_names_and_stops_when_the_object_is_another_version() throws Exception {
        // The stand-in object's ETag is "tag", not the sample's: a newer upload, which imports itself.
        JsonNode r = invoke("sqs-continuation.json");
        assertEquals("superseded", r.path("imports").get(0).path("status").asText(), r.toString());
        assertEquals(List.of("appban-prod-roster-111122223333-ap-southeast-2/rosters/parliament 2023-03-16.csv"), read);
        assertEquals(0, members.all().size());
    }

    @Test
    void the_manual_request_is_a_dry_run_that_changes_nothing() throws Exception {
        JsonNode r = invoke("manual-import.json");
        assertTrue(r.path("dryRun").asBoolean(), r.toString());
        assertEquals(1, r.path("created").size());
        assertEquals(0, members.all().size());
    }

    @Test
    void an_s3_import_that_would_deactivate_too_many_applies_the_rest_and_fails_so_the_errors_alarm_calls_an_administrator() {
        for (int i = 2; i <= 40; i++) {
            members.save(org.appban.domain.Member.active("m" + i, "Member " + i, "m" + i + "@example.org", org.appban.domain.Role.STAFF));
        }
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> invoke("s3-object-created.json"));
        assertTrue(e.getMessage().contains("\"confirm\": 39"), e.getMessage());
        assertEquals(40, members.all().stream().filter(org.appban.domain.Member::active).count());
        assertTrue(members.find("m1").isPresent(), "the roster's own member was still added");
    }

    @Test
    void a_manual_request_with_a_negative_confirm_is_rejected() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{\"bucket\":\"b\",\"key\":\"k\",\"confirm\":-1}".getBytes(StandardCharsets.UTF_8)), out, null);
        JsonNode r = Json.parse(out.toByteArray());
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.toString().contains("confirm"), r.toString());
        assertEquals(List.of(), read);
    }
}
