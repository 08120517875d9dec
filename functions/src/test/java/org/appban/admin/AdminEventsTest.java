package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.appban.domain.LedgerEntry;
import org.appban.lambda.Json;
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
                JsonNode response = w.invoke(Files.readString(p), MANAGER);
                JsonNode report;
                String caller;
                if (AdminHandler.isFunctionUrlRequest(event)) {
                    assertEquals(200, response.path("statusCode").asInt(), response.toString());
                    report = Json.parse(response.path("body").asText());
                    caller = event.path("requestContext").path("authorizer").path("iam").path("userArn").asText();
                    assertEquals(Caller.IAM, report.path("callerSource").asText());
                } else {
                    report = response;
                    caller = MANAGER;
                    assertEquals(Caller.CLIENT_CONTEXT, report.path("callerSource").asText());
                }
                assertEquals("done", report.path("status").asText(), report.toPrettyString());
                assertEquals(caller, report.path("caller").asText());
                LedgerEntry recorded = lastFleetEntry(w);
                assertEquals("admin." + report.path("operation").asText(), recorded.record().action());
                assertEquals("ok", recorded.record().outcome());
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
        String event = AdminWorld.event("function-url-status.json").replace("{\\\"operation\\\": \\\"status\\\"}", "{not json");
        JsonNode response = w.invoke(event, null);
        assertEquals(400, response.path("statusCode").asInt(), response.toString());
        assertTrue(response.path("body").asText().contains("not valid JSON"), response.toString());
        assertEquals("rejected", lastFleetEntry(w).record().outcome());
    }

    @Test
    void a_function_url_request_without_an_iam_caller_is_refused() {
        AdminWorld w = world();
        String event = AdminWorld.event("function-url-status.json").replace("\"userArn\"", "\"notTheUserArn\"");
        JsonNode response = w.invoke(event, null);
        assertEquals(400, response.path("statusCode").asInt());
        assertTrue(response.path("body").asText().contains("must use AuthType AWS_IAM"), response.toString());
    }

    @Test
    void an_unattributed_direct_invocation_is_recorded_as_such_and_cannot_decide_exemptions() {
        AdminWorld w = world();
        JsonNode report = w.invoke(AdminWorld.event("exemption-grant.json"), null);
        assertEquals("rejected", report.path("status").asText());
        assertEquals(Caller.UNATTRIBUTED, report.path("callerSource").asText());
        assertTrue(report.path("error").asText().contains("'unattributed' is not an exemption approver"));
    }
}
