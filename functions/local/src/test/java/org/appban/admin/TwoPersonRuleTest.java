package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.policy.file.PolicyLoader;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The bundled policy's two-person rule: turning the kill switch off and granting an exemption for more than 120
 * days wait, as a pending approval, for a second, different administrator; every step is in the ledger.
 */
class TwoPersonRuleTest {
    static final String HANA = CLERK;
    static final String RAWIRI = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/rawiri";
    static final String MERE = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/mere";

    private final AdminWorld w = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
            new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();

    private JsonNode as(String who, String request) {
        return w.invoke(request, who);
    }

    private List<String> fleetActions() {
        return w.ledger.chain("fleet").stream().map(e -> e.record().action()).toList();
    }

    @Test
    void turning_the_kill_switch_off_waits_for_a_second_administrator_who_then_carries_it_out() {
        w.killSwitch.set(true, HANA, "complaint");
        JsonNode asked = as(HANA, "{\"operation\":\"killswitch.off\",\"reason\":\"resolved\"}");
        assertEquals("pending", asked.path("status").asText(), asked.toString());
        String id = asked.path("result").path("approval").path("id").asText();
        assertTrue(w.killSwitch.read().engaged(), "nothing changes while it waits");
        assertEquals(List.of(id), as(RAWIRI, "{\"operation\":\"approval.list\",\"state\":\"pending\"}").path("result").path("approvals")
                .findValuesAsText("id").stream().filter(id::equals).toList());

        JsonNode self = as(HANA, "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}");
        assertEquals("rejected", self.path("status").asText());
        assertTrue(self.path("error").asText().contains("approval.approve: caller: '" + HANA + "' asked for killswitch.off"), self.toString());
        assertTrue(w.killSwitch.read().engaged());

        JsonNode approved = as(RAWIRI, "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}");
        assertEquals("done", approved.path("status").asText(), approved.toString());
        assertFalse(w.killSwitch.read().engaged());
        assertEquals(RAWIRI, w.ledger.chain("fleet").stream().filter(e -> e.record().action().equals("admin.approval.approve"))
                .reduce((a, b) -> b).orElseThrow().record().actor().id(), "the approver carried it out");
        LedgerEntry given = w.ledger.byIdempotencyKey("approval/" + id + "/decided").orElseThrow();
        assertEquals(SecondApprovals.GIVEN, given.record().action());
        assertEquals(HANA, given.record().details().get("requestedBy"));
        assertEquals(RAWIRI, given.record().actor().id());

        JsonNode third = as(MERE, "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}");
        assertTrue(third.path("error").asText().contains("id: approval " + id + " was already given by " + RAWIRI), third.toString());
        List<String> steps = fleetActions().stream().filter(a -> a.startsWith("admin.approval") || a.startsWith("admin.killswitch")).toList();
        assertEquals(List.of("admin.approval-requested", "admin.killswitch.off", "admin.approval.list", "admin.approval.approve",
                "admin.approval-given", "admin.approval.approve", "admin.approval.approve"), steps.subList(1, steps.size()));
    }

    @Test
    void the_same_identity_center_user_is_the_same_person_whatever_the_role_suffix_or_case() {
        String managerAsAdmin = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanAdministrator_0a1b2c3d4e5f6a7b/servicedesk-lead@parliament.govt.nz";
        // The same permission set provisioned again (a new suffix), the user name typed in another case: the same person.
        String managerAsApprover = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanAdministrator_ffffeeeeddddcccc/SERVICEDESK-LEAD@parliament.govt.nz";
        String id = as(managerAsAdmin, "{\"operation\":\"killswitch.off\",\"reason\":\"resolved\"}").path("result").path("approval").path("id").asText();
        JsonNode self = as(managerAsApprover, "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}");
        assertTrue(self.path("error").asText().contains("cannot also give its second approval"), self.toString());
    }

    @Test
    void a_pending_approval_expires_and_a_late_approval_is_a_clear_error_on_record() {
        String id = as(HANA, "{\"operation\":\"killswitch.off\",\"reason\":\"resolved\"}").path("result").path("approval").path("id").asText();
        w.clock.advance(Duration.ofHours(25));
        JsonNode late = as(RAWIRI, "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}");
        assertEquals("rejected", late.path("status").asText());
        assertTrue(late.path("error").asText().contains("id: approval " + id + " expired at"), late.toString());
        assertTrue(late.path("error").asText().contains("administration.secondApproval.pendingHours"), late.toString());
        assertEquals(SecondApprovals.EXPIRED, w.ledger.byIdempotencyKey("approval/" + id + "/decided").orElseThrow().record().action());
        assertEquals("expired", as(RAWIRI, "{\"operation\":\"approval.list\"}").path("result").path("approvals").get(0).path("state").asText());
    }

    @Test
    void an_exemption_longer_than_the_policys_limit_waits_and_the_second_approver_grants_it() {
        String request = "{\"operation\":\"exemption.grant\",\"id\":\"ex-example-requested\",\"expires\":\"2023-09-01T17:00+12:00\"}";
        JsonNode asked = as(RAWIRI, request);
        assertEquals("pending", asked.path("status").asText(), asked.toString());
        assertTrue(asked.path("result").path("waitsFor").asText().contains("longer than 120 days"), asked.toString());
        assertEquals("requested", w.exemptions.find("ex-example-requested").orElseThrow().status().name().toLowerCase());
        String id = asked.path("result").path("approval").path("id").asText();
        JsonNode approved = as(MERE, "{\"operation\":\"approval.approve\",\"id\":\"" + id + "\"}");
        assertEquals("done", approved.path("status").asText(), approved.toString());
        assertEquals(MERE, w.exemptions.find("ex-example-requested").orElseThrow().decidedBy());
        // Within the limit, one approver decides alone.
        assertEquals("done", as(RAWIRI, "{\"operation\":\"exemption.grant\",\"id\":\"ex-example-to-refuse\",\"expires\":\"2023-05-01T17:00+12:00\"}")
                .path("status").asText());
    }

    @Test
    void a_manual_run_is_handed_on_authorised_and_a_confirm_past_the_cap_waits_for_a_second_administrator() {
        JsonNode run = as(HANA, "{\"operation\":\"enforce.run\",\"request\":{\"request\":\"enforce\",\"all\":true,\"dryRun\":false}}");
        assertEquals("done", run.path("status").asText(), run.toString());
        String id = run.path("result").path("authorisation").asText();
        assertEquals(List.of("enforce-removal " + id), w.runs.handedOn);
        LedgerEntry authorised = w.ledger.byIdempotencyKey("run-authorisation/" + id).orElseThrow();
        assertEquals(HANA, authorised.record().details().get("by"));

        JsonNode confirmed = as(HANA, "{\"operation\":\"enforce.run\",\"request\":{\"request\":\"enforce\",\"all\":true,\"dryRun\":false,\"confirm\":250}}");
        assertEquals("pending", confirmed.path("status").asText(), confirmed.toString());
        assertEquals(1, w.runs.handedOn.size(), "nothing handed on while it waits");
        String approval = confirmed.path("result").path("approval").path("id").asText();
        assertEquals("done", as(RAWIRI, "{\"operation\":\"approval.approve\",\"id\":\"" + approval + "\"}").path("status").asText());
        assertEquals(2, w.runs.handedOn.size());
        String second = w.runs.handedOn.get(1).split(" ")[1];
        assertEquals(RAWIRI, w.ledger.byIdempotencyKey("run-authorisation/" + second).orElseThrow().record().details().get("by"),
                "the approver carries it out");
    }

    @Test
    void a_direct_invocation_cannot_hand_a_run_on() {
        JsonNode r = w.invoke("{\"operation\":\"enforce.run\",\"request\":{\"request\":\"enforce\",\"all\":true,\"dryRun\":false}}", null);
        assertEquals("rejected", r.path("status").asText());
        assertTrue(r.path("error").asText().contains("a direct invocation proves nobody"), r.toString());
        assertTrue(w.runs.handedOn.isEmpty());
    }

    @Test
    void the_first_administrator_must_be_allowed_the_act_before_it_waits() {
        // hana is an administrator but not an approver: her grant is refused at once, not parked for approval.
        JsonNode r = as(HANA, "{\"operation\":\"exemption.grant\",\"id\":\"ex-example-requested\",\"expires\":\"2023-09-01T17:00+12:00\"}");
        assertEquals("rejected", r.path("status").asText());
        assertTrue(r.path("error").asText().contains("is not an exemption approver"), r.toString());
    }

    @Test
    void a_second_approval_rule_that_can_never_apply_is_an_error_naming_the_field() {
        String bundled = new String(readBundled(), java.nio.charset.StandardCharsets.UTF_8);
        Executable load = () -> new PolicyLoader().parse(bundled.replace("\"exemptionsLongerThanDays\": 120", "\"exemptionsLongerThanDays\": 180"), "p.json");
        InvalidInputException x = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class, load);
        assertEquals("administration.secondApproval.exemptionsLongerThanDays", x.problems().get(0).where(), x.getMessage());
    }

    private static byte[] readBundled() {
        try (var in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
