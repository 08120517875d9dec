package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.appban.admin.requests.AdminAnswer;
import org.appban.domain.LedgerEntry;
import org.appban.identity.FunctionUrlEvent;
import org.appban.identity.FunctionUrlIdentity;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * The admin service on typed requests, as the application ring runs it: no JSON in, an {@link AdminAnswer} out;
 * its wire formats (the request as sent, a manual run's request) come and go through {@link AdminRequestFormat}.
 * The envelope the function writes is {@code AdminAnswersUnchangedTest}'s.
 */
class AdministrationTest {
    private final AdminWorld w = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
            new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();

    private static Caller proven(String arn) {
        return Caller.proven(FunctionUrlIdentity.of(FunctionUrlEvent.signedBy(arn, "{}")));
    }

    private LedgerEntry lastFleetEntry() {
        List<LedgerEntry> fleet = w.ledger.chain("fleet");
        return fleet.get(fleet.size() - 1);
    }

    @Test
    void a_typed_request_is_run_recorded_and_answered_with_its_result() {
        AdminAnswer a = w.administration.handle(new AdminRequest.KillSwitchSet(true, "investigating"),
                "{\"operation\":\"killswitch.on\",\"reason\":\"investigating\"}", proven(CLERK), "inv-1");
        assertEquals("done", a.status());
        assertEquals("killswitch.on", a.operation());
        assertEquals(w.clock.instant(), a.at());
        assertNull(a.rejected());
        assertEquals(true, ((Map<?, ?>) a.result()).get("engaged"));
        assertTrue(w.killSwitch.read().engaged());
        assertEquals("admin.killswitch.on", lastFleetEntry().record().action());
        assertEquals("admin/inv-1", lastFleetEntry().record().idempotencyKey());
    }

    @Test
    void what_waits_for_a_second_administrator_is_the_request_as_it_was_sent_read_back_when_approved() {
        w.killSwitch.set(true, CLERK, "complaint");
        // The typed request and the text disagree on purpose: the approval carries out the text it kept.
        AdminAnswer asked = w.administration.handle(new AdminRequest.KillSwitchSet(false, "typed"),
                "{\"operation\":\"killswitch.off\",\"reason\":\"as sent\"}", proven(CLERK), "inv-1");
        assertEquals("pending", asked.status());
        SecondApprovals.Approval approval = (SecondApprovals.Approval) ((Map<?, ?>) asked.result()).get("approval");
        assertEquals("{\"operation\":\"killswitch.off\",\"reason\":\"as sent\"}", approval.request());
        assertTrue(w.killSwitch.read().engaged(), "nothing changes while it waits");

        AdminAnswer approved = w.administration.handle(new AdminRequest.ApprovalApprove(approval.id()), "{}",
                proven(TwoPersonRuleTest.RAWIRI), "inv-2");
        assertEquals("done", approved.status(), String.valueOf(approved.rejected()));
        assertFalse(w.killSwitch.read().engaged());
        assertTrue(lastFleetEntry().record().details().get("summary").endsWith("disengaged: as sent"), lastFleetEntry().record().details().toString());
    }

    @Test
    void a_refused_request_is_answered_with_its_problems_recorded_and_changes_nothing() {
        AdminAnswer a = w.administration.handle(new AdminRequest.ExemptionRevoke("ex-nobody", "gone"), "{}",
                proven(TwoPersonRuleTest.RAWIRI), "inv-1");
        assertEquals("rejected", a.status());
        assertEquals("exemption.revoke", a.operation());
        assertNull(a.result());
        assertEquals("id", a.rejected().problems().get(0).where(), a.rejected().getMessage());
        assertEquals("rejected", lastFleetEntry().record().outcome());
    }

    @Test
    void a_direct_invocation_may_not_change_anything_whatever_typed_request_it_carries() {
        AdminAnswer a = w.administration.handle(new AdminRequest.KillSwitchSet(true, "x"), "{}", Caller.direct(), "inv-1");
        assertEquals("rejected", a.status());
        assertTrue(a.rejected().getMessage().contains("a direct invocation proves nobody"), a.rejected().getMessage());
        assertFalse(w.killSwitch.read().engaged());
    }

    @Test
    void a_manual_runs_request_travels_as_its_json_text_with_dry_run_and_confirm_read_at_the_edge() throws Exception {
        AdminRequest.ManualRun run = (AdminRequest.ManualRun) AdminRequestJson.parse(Json.parse(
                "{\"operation\":\"enforce.run\",\"request\":{\"request\":\"enforce\",\"all\":true,\"dryRun\":false,\"confirm\":3}}"));
        assertEquals("{\"request\":\"enforce\",\"all\":true,\"dryRun\":false,\"confirm\":3}", run.request());
        assertFalse(run.dryRun());
        assertTrue(run.confirms());
        AdminRequest.ManualRun dry = (AdminRequest.ManualRun) AdminRequestJson.parse(Json.parse(
                "{\"operation\":\"access.run\",\"request\":{\"action\":\"quarantine\",\"dryRun\":\"no\"}}"));
        assertTrue(dry.dryRun(), "a dryRun that is not a boolean leaves the run dry");
        assertFalse(dry.confirms());
        AdminRequest.ManualRun notify = (AdminRequest.ManualRun) AdminRequestJson.parse(Json.parse(
                "{\"operation\":\"notify.run\",\"request\":{\"action\":\"resend\",\"member\":\"m-001\",\"stage\":\"announcement\"}}"));
        assertFalse(notify.dryRun(), "notify-members' runs have no dry run");
    }

    @Test
    void the_format_reads_a_stored_request_back_as_it_was_parsed_and_checks_a_runs_request_as_its_function_would() throws Exception {
        AdminRequestJson format = new AdminRequestJson(org.appban.exemption.ExemptionFixtures.POLICY);
        String sent = "{\"operation\":\"exemption.grant\",\"id\":\"ex-1\",\"expires\":\"2023-09-01T17:00+12:00\",\"note\":\"n\"}";
        assertEquals(AdminRequestJson.parse(Json.parse(sent)), format.read(AdminRequestJson.text(Json.parse(sent))));
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> format.checkManualRun((AdminRequest.ManualRun)
                AdminRequestJson.parse(Json.parse("{\"operation\":\"roster.run\",\"request\":{\"bucket\":\"b\",\"key\":\"k\",\"confirm\":-1}}"))));
        assertEquals("confirm", bad.problems().get(0).where(), bad.getMessage());
        assertThrows(IllegalStateException.class, () -> format.read("{not json"), "a stored request that is not JSON is the store's fault");
    }
}
