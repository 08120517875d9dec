package org.appban.exemption;

import org.appban.testing.TestClock;
import static org.appban.exemption.ExemptionFixtures.APPROVER_SESSION;
import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.corporate;
import static org.appban.exemption.ExemptionFixtures.member;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.appban.exemption.ExemptionFixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appban.domain.Actor;
import org.appban.identity.ProvenPrincipal;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.ledger.ChainVerifier;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle over embedded adapters: what is stored, recorded and asked for at each step, and on retries. */
class ExemptionServiceTest {
    private final TestClock clock = new TestClock(nz("2023-03-20T10:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final ExemptionFixtures.RecordedNotices notices = new ExemptionFixtures.RecordedNotices();
    private final ExemptionService service = new ExemptionService(POLICY, members, devices, exemptions, ledger, notices, clock);
    private final ProvenPrincipal clerk = ExemptionFixtures.proven(CLERK);
    private final ProvenPrincipal manager = ExemptionFixtures.proven(MANAGER);
    private final ProvenPrincipal approver = ExemptionFixtures.proven(APPROVER_SESSION);
    private final Device phone = corporate("d-1", "m-001", AppPresence.PRESENT);
    private final Device ownPhone = personal("d-2", "m-001", ComplianceState.NONCOMPLIANT);

    @BeforeEach
    void roster() {
        members.save(member("m-001"));
        members.save(member("m-002"));
        devices.save(phone);
        devices.save(ownPhone);
    }

    private String requestOne(List<String> deviceIds) {
        return service.request("m-001", deviceIds, "select committee inquiry into social media", "req-1", clerk).get(0).exemption().id();
    }

    private List<String> actions() {
        return ledger.chain("member#m-001").stream().map(e -> e.record().action()).toList();
    }

    @Test
    void request_grant_protects_and_asks_for_the_granted_notice_once() {
        String id = requestOne(List.of("d-1"));
        assertEquals(ExemptionStatus.REQUESTED, exemptions.find(id).orElseThrow().status());
        assertFalse(ExemptionCheck.isExempt(exemptions.all(), phone, clock.instant()), "a request protects nothing");

        clock.advance(Duration.ofHours(2));
        ExemptionOutcome g = service.grant(id, nz("2023-06-30T17:00"), "until the inquiry reports", manager);
        assertEquals("granted", g.result());
        assertEquals("active", g.exemption().state());
        assertEquals(List.of("exemption-granted: requested"), g.notices());
        assertEquals(List.of("exemption-granted " + id), notices.asked);
        assertTrue(ExemptionCheck.isExempt(exemptions.all(), phone, clock.instant()));
        assertFalse(ExemptionCheck.isExempt(exemptions.all(), ownPhone, clock.instant()), "scope: the named device only");
        assertEquals(List.of(ExemptionService.REQUESTED, ExemptionService.GRANTED, ExemptionService.NOTICE_REQUESTED), actions());
        LedgerEntry granted = ledger.chain("member#m-001").get(1);
        assertEquals(MANAGER, granted.record().actor().id());
        assertEquals("d-1", granted.record().device());
        assertEquals("until the inquiry reports", granted.record().details().get("note"));
        assertTrue(new ChainVerifier().verify("member#m-001", ledger.chain("member#m-001")).intact());
    }

    @Test
    void every_step_repeated_changes_nothing_and_asks_for_nothing_again() {
        String id = requestOne(List.of());
        assertEquals("already-requested", service.request("m-001", List.of(), "select committee inquiry into social media", "req-1", clerk).get(0).result());
        service.grant(id, nz("2023-06-30T17:00"), null, manager);
        assertEquals("already-granted", service.grant(id, nz("2023-06-30T17:00"), null, manager).result());
        service.revoke(id, "inquiry closed", approver);
        assertEquals("already-revoked", service.revoke(id, "inquiry closed", approver).result());
        assertEquals(1, exemptions.all().size());
        assertEquals(List.of("exemption-granted " + id), notices.asked);
        assertEquals(List.of(ExemptionService.REQUESTED, ExemptionService.GRANTED, ExemptionService.NOTICE_REQUESTED,
                ExemptionService.REVOKED), actions());
    }

    @Test
    void a_new_request_key_makes_a_new_request() {
        requestOne(List.of());
        service.request("m-001", List.of(), "another inquiry", "req-2", clerk);
        assertEquals(2, exemptions.all().size());
    }

    @Test
    void the_requester_cannot_grant_their_own_request_and_nothing_is_changed_or_recorded() {
        String id = service.request("m-001", List.of(), "committee", "req-1", manager).get(0).exemption().id();
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> service.grant(id, nz("2023-06-30T17:00"), null, manager));
        assertTrue(x.getMessage().startsWith("exemption.grant: caller: "), x.getMessage());
        assertEquals(ExemptionStatus.REQUESTED, exemptions.find(id).orElseThrow().status());
        assertEquals(List.of(ExemptionService.REQUESTED), actions());
        assertTrue(notices.asked.isEmpty());
    }

    @Test
    void revocation_releases_nothing_asks_for_no_notice_and_exposes_the_device_to_the_next_run() {
        String id = requestOne(List.of("d-2"));
        service.grant(id, nz("2023-06-30T17:00"), null, manager);
        assertTrue(ExemptionCheck.isExempt(exemptions.all(), ownPhone, clock.instant()));
        List<String> before = List.copyOf(notices.asked);

        clock.advance(Duration.ofDays(3));
        ExemptionOutcome r = service.revoke(id, "no longer on the committee", approver);
        assertEquals("revoked", r.exemption().state());
        assertTrue(r.notices().isEmpty());
        assertEquals(before, notices.asked, "revoking asks for nothing");
        assertFalse(ExemptionCheck.isExempt(exemptions.all(), ownPhone, clock.instant()), "the next run sees the device unprotected");
        LedgerEntry last = ledger.chain("member#m-001").get(ledger.chain("member#m-001").size() - 1);
        assertEquals(ExemptionService.REVOKED, last.record().action());
        assertEquals("no longer on the committee", last.record().details().get("reason"));
        // The sweep neither says "expiring" nor "expired" about it, before or after its old expiry.
        clock.set(nz("2023-07-01T09:00"));
        assertTrue(service.sweep(Actor.schedule("daily")).notices().isEmpty());
    }

    @Test
    void the_sweep_asks_for_expiring_then_expired_once_each_and_the_device_is_exposed_after_expiry() {
        String id = requestOne(List.of("d-1"));
        service.grant(id, nz("2023-05-31T17:00"), null, manager);
        Actor daily = Actor.schedule("exemption-sweep");

        clock.set(nz("2023-05-16T09:00"));
        assertTrue(service.sweep(daily).notices().isEmpty(), "more than 14 days before the expiry");
        clock.set(nz("2023-05-17T18:00"));
        SweepReport expiring = service.sweep(daily);
        assertEquals(List.of("exemption-expiring"), expiring.notices().stream().map(SweepReport.Item::kind).toList());
        assertEquals(nz("2023-05-17T17:00"), expiring.notices().get(0).occurredAt());
        assertTrue(service.sweep(daily).notices().isEmpty(), "asked once");
        assertTrue(ExemptionCheck.isExempt(exemptions.all(), phone, clock.instant()));

        clock.set(nz("2023-05-31T17:00"));
        assertFalse(ExemptionCheck.isExempt(exemptions.all(), phone, clock.instant()), "expired: the next run acts on the device");
        assertEquals(List.of("exemption-expired"), service.sweep(daily).notices().stream().map(SweepReport.Item::kind).toList());
        assertTrue(service.sweep(daily).notices().isEmpty());
        assertEquals(List.of("exemption-granted " + id, "exemption-expiring " + id, "exemption-expired " + id), notices.asked);
        assertEquals("expired", service.list("m-001", null).get(0).state());
    }

    @Test
    void a_sweep_that_starts_after_the_expiry_sends_only_the_expired_notice() {
        String id = requestOne(List.of());
        service.grant(id, nz("2023-05-31T17:00"), null, manager);
        clock.set(nz("2023-06-02T09:00"));
        assertEquals(List.of("exemption-expired"), service.sweep(Actor.schedule("s")).notices().stream().map(SweepReport.Item::kind).toList());
    }

    @Test
    void a_short_grant_inside_the_expiring_window_gets_no_expiring_notice() {
        String id = requestOne(List.of());
        service.grant(id, nz("2023-03-27T17:00"), null, manager);
        clock.set(nz("2023-03-25T09:00"));
        assertTrue(service.sweep(Actor.schedule("s")).notices().isEmpty());
    }

    @Test
    void a_failed_notice_request_does_not_undo_the_grant_and_the_next_sweep_asks_again() {
        String id = requestOne(List.of());
        notices.failWith = new IllegalStateException("EventBridge unavailable");
        ExemptionOutcome g = service.grant(id, nz("2023-06-30T17:00"), null, manager);
        assertEquals("granted", g.result());
        assertTrue(g.notices().get(0).startsWith("exemption-granted: failed (IllegalStateException: EventBridge unavailable)"), g.notices().toString());
        assertTrue(ExemptionCheck.isExempt(exemptions.all(), phone, clock.instant()));

        notices.failWith = null;
        SweepReport sweep = service.sweep(Actor.schedule("s"));
        assertEquals(List.of("exemption-granted"), sweep.notices().stream().map(SweepReport.Item::kind).toList());
        assertEquals(List.of("exemption-granted " + id), notices.asked);
        assertTrue(actions().contains(ExemptionService.NOTICE_FAILED));
    }

    @Test
    void a_grant_stored_before_a_crash_is_completed_by_the_retry() {
        String id = requestOne(List.of());
        Exemption requested = exemptions.find(id).orElseThrow();
        // The crash: the grant reached the store, but neither the ledger nor the notice.
        Exemption granted = service.rules().grant("t", requested, member("m-001"), manager, nz("2023-06-30T17:00"), clock.instant());
        exemptions.transition(requested, granted);
        ExemptionOutcome retry = service.grant(id, nz("2023-06-30T17:00"), null, manager);
        assertEquals("already-granted", retry.result());
        assertEquals(List.of(ExemptionService.REQUESTED, ExemptionService.GRANTED, ExemptionService.NOTICE_REQUESTED), actions());
        assertEquals(clock.instant(), ledger.chain("member#m-001").get(1).record().at());
    }

    @Test
    void a_member_asking_through_their_link_is_the_requester_and_any_approver_may_decide() {
        ExemptionOutcome o = service.requestAsMember("m-001", List.of("d-2"), "I chair the inquiry", "nonce-1").get(0);
        assertEquals("member:m-001", o.exemption().requestedBy());
        assertEquals("event", ledger.chain("member#m-001").get(0).record().actor().kind().wireName());
        assertEquals("granted", service.grant(o.exemption().id(), nz("2023-04-30T17:00"), null, manager).result());
    }

    @Test
    void list_filters_by_member_and_state() {
        String a = requestOne(List.of());
        service.request("m-002", List.of(), "other", "req-9", clerk);
        service.grant(a, nz("2023-06-30T17:00"), null, manager);
        assertEquals(2, service.list(null, null).size());
        assertEquals(List.of(a), service.list(null, "active").stream().map(ExemptionView::id).toList());
        assertEquals(1, service.list("m-002", "requested").size());
        assertTrue(service.list("m-002", "active").isEmpty());
    }

    @Test
    void decisions_on_unknown_exemptions_name_the_id() {
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> service.refuse("ex-nope", "no", manager));
        assertEquals("exemption.refuse: id: no exemption 'ex-nope'", x.getMessage());
    }

    @Test
    void ids_are_stable_for_a_request_key_and_differ_per_device() {
        assertEquals(ExemptionService.id("m-1", null, "k"), ExemptionService.id("m-1", null, "k"));
        assertFalse(ExemptionService.id("m-1", "d-1", "k").equals(ExemptionService.id("m-1", "d-2", "k")));
        assertTrue(ExemptionService.id("m-1", null, "k").matches("ex-[0-9a-f]{16}"));
    }
}
