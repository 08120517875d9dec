package org.appban.admin;

import org.appban.admin.requests.Administration;
import org.appban.lambda.admin.AdminHandler;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.appban.domain.LedgerEntry;
import org.appban.exemption.ExemptionFixtures;
import org.appban.json.Json;
import org.appban.lambda.LocalContext;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example request in events/admin/ is accepted; every request in events/admin/malformed/corpus.json is rejected, clearly. */
class AdminEventsTest {
    private static AdminWorld world() {
        return new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
                new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(AdminWorld.events())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static LedgerEntry lastFleetEntry(AdminWorld w) {
        List<LedgerEntry> fleet = w.ledger.chain("fleet");
        return fleet.get(fleet.size() - 1);
    }

    @Test
    void there_is_an_example_for_every_operation() throws IOException {
        Set<String> covered = new TreeSet<>();
        for (Path p : examples()) {
            JsonNode event = Json.parse(p);
            JsonNode request = AdminHandler.isFunctionUrlRequest(event) ? Json.parse(event.get("body").asText()) : event;
            covered.add(request.path("operation").asText());
        }
        assertEquals(new TreeSet<>(AdminRequest.OPERATIONS), covered);
    }

    @TestFactory
    List<DynamicTest> every_example_request_is_accepted_and_recorded_with_its_caller() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : examples()) {
            tests.add(DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                AdminWorld w = world();
                JsonNode event = Json.parse(p);
                JsonNode response = w.invoke(Files.readString(p), null);
                JsonNode report;
                String caller;
                boolean waits = false;
                if (AdminHandler.isFunctionUrlRequest(event)) {
                    report = Json.parse(response.path("body").asText());
                    // Turning the kill switch off waits for a second administrator (the bundled policy's two-person rule).
                    waits = report.path("operation").asText().equals("killswitch.off");
                    assertEquals(waits ? 202 : 200, response.path("statusCode").asInt(), response.toString());
                    caller = event.path("requestContext").path("authorizer").path("iam").path("userArn").asText();
                    assertEquals(Caller.IAM, report.path("callerSource").asText());
                } else {
                    // A direct invocation proves nobody: only reading operations have direct samples.
                    report = response;
                    caller = Caller.UNPROVEN;
                    assertEquals(Caller.DIRECT, report.path("callerSource").asText());
                    assertTrue(Administration.READ_ONLY.contains(report.path("operation").asText()), report.toString());
                }
                assertEquals(waits ? "pending" : "done", report.path("status").asText(), report.toPrettyString());
                assertEquals(caller, report.path("caller").asText());
                LedgerEntry recorded = lastFleetEntry(w);
                assertEquals("admin." + report.path("operation").asText(), recorded.record().action());
                assertEquals(waits ? "pending" : "ok", recorded.record().outcome());
                assertEquals(caller, recorded.record().actor().id());
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> every_malformed_request_is_rejected_with_a_message_naming_what_is_wrong() throws IOException {
        JsonNode corpus = Json.parse(AdminWorld.events().resolve("malformed").resolve("corpus.json"));
        assertTrue(corpus.path("cases").size() >= 15, "a corpus of at least 15 cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : corpus.path("cases")) {
            tests.add(DynamicTest.dynamicTest(c.path("case").asText(), () -> {
                AdminWorld w = world();
                String caller = c.path("caller").asText(MANAGER);
                JsonNode report = w.invoke(c.path("request").toString(), caller);
                assertEquals("rejected", report.path("status").asText(), report.toPrettyString());
                String error = report.path("error").asText();
                assertTrue(error.startsWith("admin request: ") || error.startsWith("exemption.") || error.startsWith("ledger."), error);
                for (JsonNode expected : c.path("expect")) {
                    assertTrue(error.contains(expected.asText()), "expected '" + expected.asText() + "' in: " + error);
                }
                assertTrue(report.path("problems").size() >= 1);
                LedgerEntry recorded = lastFleetEntry(w);
                assertEquals("rejected", recorded.record().outcome(), "the rejected call is on record too");
                assertEquals(caller, recorded.record().actor().id());
            }));
        }
        return tests;
    }

    @Test
    void a_malformed_function_url_body_is_rejected_as_an_http_400_and_recorded() {
        AdminWorld w = world();
        String event = AdminWorld.sample("status.json").replace("\"body\": \"", "\"body\": \"{not json");
        JsonNode response = w.invoke(event, null);
        assertEquals(400, response.path("statusCode").asInt(), response.toString());
        assertTrue(response.path("body").asText().contains("not valid JSON"), response.toString());
        assertEquals("rejected", lastFleetEntry(w).record().outcome());
    }

    @Test
    void an_event_of_a_trigger_the_admin_function_does_not_take_is_refused_by_its_kind_and_recorded() {
        AdminWorld w = world();
        JsonNode answer = w.invoke("{\"trigger\":\"schedule\",\"schedule\":\"admin-hourly\"}", null);
        assertEquals("rejected", answer.path("status").asText(), answer.toString());
        assertTrue(answer.toString().contains("this function is not triggered by a schedule; it takes requests through its function URL"),
                answer.toString());
        assertEquals("rejected", lastFleetEntry(w).record().outcome());
    }

    @Test
    void a_function_url_request_without_an_iam_caller_is_refused() {
        AdminWorld w = world();
        String event = AdminWorld.sample("status.json").replace("\"userArn\"", "\"notTheUserArn\"");
        JsonNode response = w.invoke(event, null);
        assertEquals(400, response.path("statusCode").asInt());
        assertTrue(response.path("body").asText().contains("must use AuthType AWS_IAM"), response.toString());
    }

    /** Every operation that changes the campaign or acts in someone's name, as its sample asks it. */
    private static final List<String> CHANGING = List.of("exemption-request.json", "exemption-grant.json", "exemption-refuse.json",
            "exemption-revoke.json", "exemption-sweep.json", "killswitch-on.json", "killswitch-off.json", "approval-approve.json",
            "enforce-run.json", "access-run.json", "notify-run-resend.json", "notify-run-unblock.json", "roster-run.json");

    @TestFactory
    List<DynamicTest> a_direct_invocation_naming_an_approver_in_its_client_context_changes_nothing_and_is_recorded() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String sample : CHANGING) {
            tests.add(DynamicTest.dynamicTest(sample, () -> {
                AdminWorld w = world();
                String before = w.exemptions.all().toString() + w.killSwitch.read();
                // The forger's own words: an approver in the client context, and the approver's ARN in the body.
                String request = AdminWorld.event(sample).replaceFirst("\\{", "{\"caller\": \"" + MANAGER + "\", ");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                w.handler.handleRequest(new java.io.ByteArrayInputStream(AdminWorld.event(sample).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        out, org.appban.testing.TestContext.forgedClientContext("forged-1", MANAGER));
                JsonNode report = Json.parse(out.toByteArray());
                assertEquals("rejected", report.path("status").asText(), report.toPrettyString());
                assertEquals(Caller.DIRECT, report.path("callerSource").asText());
                assertTrue(report.path("error").asText().contains("a direct invocation proves nobody"), report.toString());
                assertTrue(report.path("error").asText().contains("admin function URL"), report.toString());
                assertEquals(before, w.exemptions.all().toString() + w.killSwitch.read(), "nothing changed");
                LedgerEntry recorded = lastFleetEntry(w);
                assertEquals("rejected", recorded.record().outcome());
                assertEquals(Caller.UNPROVEN, recorded.record().actor().id());
                assertTrue(recorded.record().details().get("error").contains("proves nobody"));
                // Naming the approver in the body is an unknown field, not an identity.
                assertTrue(w.invoke(request, null).path("error").asText().contains("caller: unknown field"));
            }));
        }
        return tests;
    }

    @Test
    void a_function_url_request_signed_by_an_approvers_role_session_grants_and_the_ledger_names_that_principal() {
        AdminWorld w = world();
        JsonNode response = w.invoke(AdminWorld.sample("exemption-grant.json"), null);
        assertEquals(200, response.path("statusCode").asInt(), response.toString());
        String rawiri = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/rawiri";
        assertEquals(rawiri, w.exemptions.find("ex-example-requested").orElseThrow().decidedBy());
        LedgerEntry granted = w.ledger.chain("member#m-001").stream().filter(e -> e.record().action().equals("exemption.granted"))
                .findFirst().orElseThrow();
        assertEquals(rawiri, granted.record().actor().id());
        assertEquals(rawiri, granted.record().details().get("decidedBy"));
    }

    @Test
    void an_operator_who_is_not_an_approver_may_engage_the_kill_switch_but_not_decide() {
        AdminWorld w = world();
        assertEquals(200, w.invoke(AdminWorld.sample("killswitch-on.json"), null).path("statusCode").asInt());
        assertEquals("arn:aws:sts::111122223333:assumed-role/appban-operator/hana", w.killSwitch.read().by());
        JsonNode report = w.invoke(AdminWorld.event("exemption-grant.json"), ExemptionFixtures.CLERK);
        assertTrue(report.path("error").asText().contains("is not an exemption approver"), report.toString());
    }

    @Test
    void someone_the_policy_does_not_name_is_refused_even_when_aws_proved_who_they_are() {
        AdminWorld w = world();
        JsonNode report = w.invoke(AdminWorld.event("killswitch-on.json"), "arn:aws:sts::111122223333:assumed-role/ReadOnly/eve");
        assertEquals("rejected", report.path("status").asText());
        assertTrue(report.path("error").asText().contains("killswitch.on: caller: 'arn:aws:sts::111122223333:assumed-role/ReadOnly/eve' is not an administrator"),
                report.toString());
        assertFalse(w.killSwitch.read().engaged());
    }

    @Test
    void a_direct_invocation_may_read() {
        AdminWorld w = world();
        JsonNode report = w.invoke(AdminWorld.event("exemption-list.json"), null);
        assertEquals("done", report.path("status").asText(), report.toString());
        assertEquals(Caller.UNPROVEN, lastFleetEntry(w).record().actor().id());
    }
}
