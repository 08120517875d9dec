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
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final Clock clock = Clock.fixed(Instant.parse("2023-03-16T19:00:00Z"), ZoneOffset.UTC);
    private final RosterImportHandler handler = new RosterImportHandler(
            new RosterImport(new RosterParser(), members, ledger, clock),
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

    private static final String OPERATOR = "arn:aws:sts::111122223333:assumed-role/appban-operator/hana";

    private void fortyMembers() {
        for (int i = 2; i <= 40; i++) {
            members.save(org.appban.domain.Member.active("m" + i, "Member " + i, "m" + i + "@example.org", org.appban.domain.Role.STAFF));
        }
    }

    private JsonNode invokeText(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    @Test
    void a_direct_request_that_confirms_deactivations_is_refused_recorded_and_changes_nothing() throws Exception {
        fortyMembers();
        JsonNode r = invokeText("{\"bucket\":\"b\",\"key\":\"k\",\"dryRun\":false,\"confirm\":39}");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("a direct invocation proves nobody"), r.toString());
        assertTrue(r.path("error").asText().contains("roster.run"), "names the admin operation to use: " + r);
        assertEquals(List.of(), read, "the roster was not even read");
        assertEquals(39, members.all().stream().filter(org.appban.domain.Member::active).count());
        var refused = ledger.chain("fleet").get(ledger.chain("fleet").size() - 1).record();
        assertEquals(org.appban.identity.DirectInvocation.REFUSED, refused.action());
        assertEquals("administrator:unproven:direct-invocation", refused.actor().toString());
        // A dry run with a confirm still answers: it decides nothing.
        assertTrue(invokeText("{\"bucket\":\"b\",\"key\":\"k\",\"confirm\":39}").path("dryRun").asBoolean());
    }

    @Test
    void an_import_the_admin_function_authorised_deactivates_what_was_confirmed_in_the_administrators_name() throws Exception {
        fortyMembers();
        org.appban.identity.RunAuthorisation.authorise(ledger, clock.instant(), "run-contract-roster", RosterImport.FUNCTION,
                Json.parse("{\"bucket\":\"appban-prod-roster-111122223333-ap-southeast-2\",\"key\":\"rosters/parliament 2023-03-16.csv\","
                        + "\"dryRun\":false,\"confirm\":39}"), org.appban.exemption.ExemptionFixtures.proven(OPERATOR));
        JsonNode r = invoke("run-authorised.json");
        assertEquals("imported", r.path("status").asText(), r.toString());
        assertEquals(List.of("appban-prod-roster-111122223333-ap-southeast-2/rosters/parliament 2023-03-16.csv"), read);
        assertEquals(1, members.all().stream().filter(org.appban.domain.Member::active).count(), "the 39 confirmed deactivations");
        assertTrue(ledger.chain("member#m2").stream().anyMatch(e -> e.record().actor().id().equals(OPERATOR)), ledger.chain("member#m2").toString());
    }

    @Test
    void a_run_authorised_event_with_no_authorisation_in_the_ledger_imports_nothing() throws Exception {
        JsonNode r = invoke("run-authorised.json");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("no run authorisation 'run-contract-roster'"), r.toString());
        assertEquals(List.of(), read);
    }
}
