package org.appban.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.appban.domain.LedgerEntry;
import org.appban.fleet.SimulatedFleet;
import org.appban.sim.http.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The enforce-removal service end to end on the sample fleet: the real Intune and Jamf adapters over the
 * simulators (real HTTP), in-memory stores, the in-process queue.
 */
class EnforceRemovalTest {
    private static final String DEADLINE = "2023-03-31T00:00+13:00";
    private static final int CONFIRM = 1000;
    private EnforcementWorld world = EnforcementWorld.sample();

    @AfterEach
    void close() {
        world.close();
    }

    private EmbeddedEnforcement.Result deadlineRun() {
        world.at(DEADLINE);
        world.refreshInventory();
        return world.run(EnforceRequest.deadline().confirmed(CONFIRM));
    }

    /**
     * A worker claimed a device's check-in, may have asked the MDM, and died before recording. Its message comes back
     * after the queue's visibility timeout, past the claim's lease: that delivery records the check-in (outcome
     * unknown, as nobody knows whether it went out) before anything else, even for a device no longer in scope, and
     * does not ask again.
     */
    @Test
    void aCheckInLeftUnrecordedByAWorkerThatDiedIsRecordedByItsRedeliveryWithoutAskingAgain() {
        world.at(DEADLINE);
        world.refreshInventory();
        String device = world.id("d01-corp-iphone");
        java.time.Instant now = world.fleet.sims.clock().instant();
        java.time.LocalDate day = now.atZone(EnforcementWorld.POLICY.zone()).toLocalDate();
        String key = EnforcementKeys.sync(device, day);
        world.claims.claim(key, "enforce/run-1/m-1/dead-worker", now, EnforceRemoval.CLAIM_LEASE);
        world.fleet.sims.clock().advance(java.time.Duration.ofMinutes(90));
        long syncsBefore = world.fleet.sims.intune().requests().count(q -> q.path().endsWith("/syncDevice"));

        WorkOutcome redelivered = world.enforcement.service().work(new DeviceWork(DeviceAction.Kind.SYNC, device, "run-1",
                org.appban.domain.Actor.schedule("test"), day, true, now), "m-1");

        assertEquals(WorkOutcome.Result.DONE, redelivered.result(), redelivered.toString());
        List<LedgerEntry> recorded = world.ledger.aboutDevice(device).stream().filter(e -> e.record().action().equals("mdm.sync-requested")).toList();
        assertEquals(List.of("unknown"), recorded.stream().map(e -> e.record().outcome()).toList());
        assertEquals("true", recorded.get(0).record().details().get("interruptedAttempt"));
        assertEquals(syncsBefore, world.fleet.sims.intune().requests().count(q -> q.path().endsWith("/syncDevice")), "not asked again");
        assertTrue(world.claims.state(key).orElseThrow().completed());
    }

    @Test
    void atTheDeadlineCorporateDevicesLoseTheAppAtTheirCheckInAndExemptOnesKeepIt() {
        EmbeddedEnforcement.Result r = deadlineRun();
        assertEquals("done", r.report().status(), r.report().toString());
        for (String removed : List.of("d01-corp-iphone", "d03-corp-android", "d04-corp-android-trill", "d13-corp-iphone-reinstaller",
                "d14-corp-iphone-late-enrol", "d16-corp-iphone", "d19-corp-iphone", "d23-corp-iphone", "d29-jamf-iphone-supervised")) {
            assertFalse(world.hasApp(removed), removed + " still has the app");
        }
        assertTrue(world.hasApp("d15-corp-iphone-exempt"), "exempt through the member-wide exemption");
        assertTrue(world.hasApp("d35-jamf-iphone-exempt"), "exempt through a device exemption");
        assertTrue(world.hasApp("d02-corp-iphone-unsupervised"), "an MDM cannot remove it from an unsupervised iPhone");
        assertTrue(world.hasApp("d07-private-iphone"), "private devices are never touched");
        assertEquals(0, r.deadLetters().size());
        assertTrue(r.work().stream().allMatch(w -> w.result() == WorkOutcome.Result.DONE), r.work().toString());
    }

    @Test
    void theReportTellsRemovedOnlyOnceTheInventorySaysSoAndNamesWhatCannotBeBlocked() {
        EmbeddedEnforcement.Result first = deadlineRun();
        assertFalse(world.hasApp("d01-corp-iphone"));
        assertEquals(DeviceStatus.PENDING, verdict(first.report(), "d01-corp-iphone").status(), "a command accepted is not a removal");
        assertTrue(first.report().counts().get("pending") >= 9, first.report().counts().toString());
        Set<String> notBlockable = first.report().notBlockable().stream().map(EnforcementReport.Unblockable::device).collect(Collectors.toSet());
        assertTrue(notBlockable.contains(world.id("d02-corp-iphone-unsupervised")), notBlockable.toString());
        assertTrue(notBlockable.contains(world.id("d30-jamf-iphone-unsupervised")), notBlockable.toString());
        assertTrue(notBlockable.contains(world.id("d03-corp-android")), "Android: removable, but reinstall cannot be blocked");

        world.refreshInventory();
        EmbeddedEnforcement.Result next = world.run(EnforceRequest.reconcile());
        DeviceVerdict d01 = verdict(next.report(), "d01-corp-iphone");
        assertEquals(DeviceStatus.REMOVED, d01.status());
        assertEquals(DeviceStatus.EXEMPT, verdict(next.report(), "d15-corp-iphone-exempt").status());
        assertEquals(DeviceStatus.NOT_BLOCKABLE, verdict(next.report(), "d02-corp-iphone-unsupervised").status());
        assertEquals(0L, next.report().counts().get("pending"), next.report().devices().toString());
    }

    private DeviceVerdict verdict(EnforcementReport report, String fleetId) {
        String id = world.id(fleetId);
        return report.devices().stream().filter(v -> v.device().equals(id)).findFirst().orElseThrow(() -> new AssertionError(fleetId));
    }

    @Test
    void aSecondRunChangesNothing() {
        deadlineRun();
        long writes = world.writes();
        EmbeddedEnforcement.Result again = world.run(EnforceRequest.reconcile());
        assertEquals(writes, world.writes(), "the same day: every step in place, every check-in already requested");
        assertTrue(again.report().fleet().stream().allMatch(s -> s.outcome().equals("in-place") || s.outcome().equals("unsupported")),
                again.report().fleet().toString());

        world.at("2023-04-01T09:00+13:00");
        world.refreshInventory();
        world.run(EnforceRequest.reconcile());
        assertEquals(writes, world.writes(), "the next day, with the app gone from the inventory: nothing to do either");
    }

    @Test
    void theDesiredStateIsReachedFromAHalfConfiguredMdm() {
        world.at(DEADLINE);
        // Someone started by hand: the uninstall assigned to two devices only, no exclusion, no block, no rule.
        world.intune.ensureUninstall(SimulatedFleet.APP, Set.of(SimulatedFleet.mdmId(world.fleet.device("d01-corp-iphone")),
                SimulatedFleet.mdmId(world.fleet.device("d19-corp-iphone"))), Set.of());
        world.jamf.ensureReinstallBlock(SimulatedFleet.APP, Set.of());
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.deadline().confirmed(CONFIRM));
        assertTrue(r.report().fleet().stream().anyMatch(s -> s.outcome().equals("changed")), r.report().fleet().toString());
        assertConverged();
    }

    @Test
    void theDesiredStateIsRestoredAfterDrift() {
        deadlineRun();
        world.at("2023-04-01T08:00+13:00");
        world.refreshInventory();
        // Drift: someone put the exempt iPhone into the uninstall and dropped every exclusion.
        Set<String> all = world.devices.all().stream().filter(d -> d.isCorporate() && d.mdm() == org.appban.domain.MdmKind.INTUNE)
                .map(d -> d.mdmId()).collect(Collectors.toSet());
        world.intune.ensureUninstall(SimulatedFleet.APP, all, Set.of());
        world.intune.ensureReinstallBlock(SimulatedFleet.APP, Set.of());
        world.jamf.ensureUninstall(SimulatedFleet.APP, Set.of(), Set.of());
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.reconcile());
        assertEquals("done", r.report().status(), r.report().message());
        assertTrue(r.report().fleet().stream().filter(s -> s.step().equals("uninstall")).allMatch(s -> s.outcome().equals("changed")),
                r.report().fleet().toString());
        assertConverged();
    }

    /** A further run writes nothing, and a day of check-ins leaves exempt devices with the app. */
    private void assertConverged() {
        long writes = world.writes();
        world.run(EnforceRequest.reconcile());
        assertEquals(writes, world.writes(), "converged: a further run writes nothing");
        world.fleet.sims.clock().advance(java.time.Duration.ofHours(25));
        assertTrue(world.hasApp("d15-corp-iphone-exempt"));
        assertTrue(world.hasApp("d35-jamf-iphone-exempt"));
        assertFalse(world.hasApp("d23-corp-iphone"));
        assertFalse(world.hasApp("d29-jamf-iphone-supervised"));
    }

    @Test
    void exemptDevicesReceiveNoCommandAtAll() {
        deadlineRun();
        world.at("2023-04-03T09:00+12:00");
        world.run(EnforceRequest.reconcile());
        for (String exempt : List.of("d15-corp-iphone-exempt", "d15-private-iphone-exempt", "d16-private-android-exempt", "d35-jamf-iphone-exempt")) {
            var device = world.fleet.device(exempt);
            String mdmId = SimulatedFleet.mdmId(device);
            long commands = device.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF
                    ? world.fleet.sims.jamf().requests().count(q -> EnforcementWorld.isWrite(q) && q.path().contains("/UpdateInventory/")
                            && List.of(q.path().substring(q.path().lastIndexOf('/') + 1).split(",")).contains(mdmId))
                    : world.fleet.sims.intune().requests().count(q -> EnforcementWorld.isWrite(q) && q.path().contains(mdmId));
            assertEquals(0, commands, exempt + " received a command");
            assertTrue(world.ledger.aboutDevice(world.id(exempt)).stream().noneMatch(e -> e.record().action().startsWith("mdm.")), exempt);
        }
        String uninstallGroup = world.ledgerEntries("mdm.uninstall-assigned").get(0).record().details().get("evidence.group.uninstall");
        String exemptObject = world.fleet.device("d15-corp-iphone-exempt").entraObjectId();
        assertEquals(0, world.fleet.sims.intune().requests().count(q -> q.inner() && q.method().equals("POST")
                && q.path().contains(uninstallGroup) && q.body() != null && q.body().contains(exemptObject)), "never added to the uninstall group");
    }

    @Test
    void theKillSwitchStopsARunBeforeAnyRequestReachesAnMdm() {
        world.killSwitch.set(true, "ict-security-manager", "investigating a complaint");
        world.at(DEADLINE);
        world.refreshInventory();
        long before = world.requests();
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.deadline().confirmed(CONFIRM));
        assertEquals("stopped", r.report().status());
        assertTrue(r.report().message().contains("investigating a complaint"), r.report().message());
        assertEquals(before, world.requests(), "not even a read");
        assertEquals(1, world.ledgerEntries("enforce.stopped").size());
    }

    @Test
    void theKillSwitchIsReadAgainBeforeEachQueuedItem() {
        world.at(DEADLINE);
        EnforcementReport decided = world.enforcement.service().run(EnforceRequest.deadline().confirmed(CONFIRM),
                org.appban.domain.Actor.schedule("deadline"), "run-ks");
        assertTrue(decided.actions().enqueued() > 0);
        long syncsBefore = world.fleet.sims.intune().requests().count(q -> q.path().endsWith("/syncDevice"));
        world.killSwitch.set(true, "ict-security-manager", "stop");
        EmbeddedEnforcement.Drained drained = world.enforcement.drain(1);
        assertTrue(drained.work().stream().allMatch(w -> w.result() == WorkOutcome.Result.SKIPPED), drained.work().toString());
        assertEquals(syncsBefore, world.fleet.sims.intune().requests().count(q -> q.path().endsWith("/syncDevice")));
        assertEquals(0, world.fleet.sims.jamf().requests().count(q -> q.path().contains("UpdateInventory")));
    }

    @Test
    void theBlastRadiusCapStopsARunBeforeAnyRequestUnlessConfirmed() {
        world.at(DEADLINE);
        EmbeddedEnforcement.Result stopped = world.run(EnforceRequest.deadline());
        assertEquals("needs-confirmation", stopped.report().status());
        int acting = stopped.report().blastRadius().acting();
        assertTrue(stopped.report().message().contains("\"confirm\": " + acting), stopped.report().message());
        assertEquals(0, world.requests());

        EmbeddedEnforcement.Result tooFew = world.run(EnforceRequest.deadline().confirmed(acting - 1));
        assertEquals("needs-confirmation", tooFew.report().status(), "a confirmation covers at most the number it names");
        assertEquals(0, world.requests());

        EmbeddedEnforcement.Result confirmed = world.run(EnforceRequest.deadline().confirmed(acting));
        assertEquals("done", confirmed.report().status());
        assertFalse(world.hasApp("d01-corp-iphone"));
    }

    @Test
    void aDryRunReportsWhatWouldChangeAndSendsNothing() {
        world.at(DEADLINE);
        EmbeddedEnforcement.Result dry = world.run(EnforceRequest.enforceAll(true, null));
        assertEquals("dry-run", dry.report().status());
        assertTrue(dry.report().actions().sync() >= 9);
        assertTrue(dry.report().fleet().stream().allMatch(s -> s.outcome().equals("would-reconcile")));
        assertEquals(0, world.requests());
        assertTrue(world.hasApp("d01-corp-iphone"));
        assertEquals(0, world.enforcement.queue().size());
    }

    @Test
    void beforeTheDeadlineNothingIsSent() {
        world.at("2023-03-30T23:59+13:00");
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.deadline().confirmed(CONFIRM));
        assertEquals("before-deadline", r.report().status());
        assertEquals(0, world.requests());
    }

    @Test
    void anExemptionThatExpiresBringsTheDeviceIntoScopeOnTheNextRun() {
        world.close();
        world = new EnforcementWorld(SimulatedFleet.sample(), e -> e.id().equals("ex-olivia-all")
                ? new org.appban.domain.Exemption(e.id(), e.member(), e.device(), e.reason(), e.status(), e.requestedBy(), e.requestedAt(),
                        e.decidedBy(), e.decidedAt(), java.time.OffsetDateTime.parse("2023-04-05T00:00+12:00").toInstant(), null, null)
                : e);
        deadlineRun();
        assertTrue(world.hasApp("d15-corp-iphone-exempt"));
        world.at("2023-04-04T09:00+12:00");
        world.run(EnforceRequest.reconcile());
        assertTrue(world.hasApp("d15-corp-iphone-exempt"), "still exempt the day before");
        world.at("2023-04-05T09:00+12:00");
        world.refreshInventory();
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.reconcile());
        assertEquals("done", r.report().status(), r.report().message());
        assertFalse(world.hasApp("d15-corp-iphone-exempt"), "in scope once the exemption ended");
        assertTrue(world.hasApp("d35-jamf-iphone-exempt"));
    }

    @Test
    void failuresOnSomeDevicesDoNotStopTheRestAndAreRetried() {
        String d01 = SimulatedFleet.mdmId(world.fleet.device("d01-corp-iphone"));
        String d19 = SimulatedFleet.mdmId(world.fleet.device("d19-corp-iphone"));
        // d01 fails through every retry of the client on its first delivery (6 attempts); d19 on all five deliveries.
        for (int i = 0; i < 6; i++) world.fleet.sims.intune().faults().next(Fault.serverError(503), q -> q.inner() && q.path().contains(d01 + "/syncDevice"));
        for (int i = 0; i < 30; i++) world.fleet.sims.intune().faults().next(Fault.serverError(503), q -> q.inner() && q.path().contains(d19 + "/syncDevice"));
        EmbeddedEnforcement.Result r = deadlineRun();
        assertFalse(world.hasApp("d01-corp-iphone"), "retried on the next delivery, then done");
        assertTrue(world.hasApp("d19-corp-iphone"), "still failing after five deliveries");
        assertEquals(1, r.deadLetters().size());
        assertEquals(world.id("d19-corp-iphone"), r.deadLetters().get(0).device());
        for (String other : List.of("d13-corp-iphone-reinstaller", "d23-corp-iphone", "d29-jamf-iphone-supervised", "d03-corp-android")) {
            assertFalse(world.hasApp(other), other + " was held up by the failures of others");
        }
        List<LedgerEntry> attempts = world.ledger.aboutDevice(world.id("d01-corp-iphone")).stream()
                .filter(e -> e.record().action().equals("mdm.sync-requested")).toList();
        assertEquals(List.of("failed-will-retry", "ok"), attempts.stream().map(e -> e.record().outcome()).toList());
        assertTrue(attempts.get(1).record().details().get("before").startsWith("app present"), attempts.get(1).record().details().toString());
    }

    @Test
    void aReinstallOnASupervisedDeviceIsRefusedAndTheUnsupervisedCaseIsReported() {
        deadlineRun();
        world.at("2023-04-03T09:00+12:00");
        assertTrue(world.fleet.sims.world().history().stream().anyMatch(e -> e.device().equals("d13-corp-iphone-reinstaller")
                && e.what().equals("app-install-blocked")), "the reinstall block reached the device");
        assertFalse(world.hasApp("d13-corp-iphone-reinstaller"));
        assertTrue(world.fleet.sims.world().history().stream().anyMatch(e -> e.device().equals("d29-jamf-iphone-supervised")
                && e.what().equals("app-install-blocked")), "and on the Jamf iPhone");
        assertFalse(world.hasApp("d29-jamf-iphone-supervised"));
        assertTrue(world.hasApp("d02-corp-iphone-unsupervised"));
        world.refreshInventory();
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.reconcile());
        assertEquals(DeviceStatus.NOT_BLOCKABLE, verdict(r.report(), "d02-corp-iphone-unsupervised").status());
        assertTrue(r.work().stream().noneMatch(w -> w.device().equals(world.id("d02-corp-iphone-unsupervised")) && w.action() == DeviceAction.Kind.SYNC),
                "no command that cannot work");
        assertTrue(r.work().stream().anyMatch(w -> w.device().equals(world.id("d02-corp-iphone-unsupervised")) && w.action() == DeviceAction.Kind.ESCALATE),
                "but the ban holds: escalated to the administrators and its member, left to compliance and network access");
    }

    @Test
    void aDeviceTheInventoryStillShowsAfterThePolicysDaysIsEscalatedOnceWithTheMembersNotice() {
        deadlineRun();
        // No inventory refresh: as far as appban knows, the app is still on every device it was on.
        world.at("2023-04-03T09:00+12:00");
        EmbeddedEnforcement.Result r = world.run(EnforceRequest.reconcile());
        assertTrue(r.report().actions().escalate() >= 9, r.report().actions().toString());
        assertEquals(r.report().actions().escalate(), world.ledgerEntries("enforce.escalated").size());
        assertEquals(r.report().actions().escalate(), world.notices.size());
        assertTrue(world.notices.stream().allMatch(n -> n.kind() == org.appban.policy.StageKind.REMOVAL_ESCALATED));
        assertTrue(world.notices.stream().noneMatch(n -> n.device().equals(world.id("d15-corp-iphone-exempt"))));
        assertEquals(r.report().actions().escalate(), r.report().escalations().size(), "the administrators' report lists them");

        world.at("2023-04-04T09:00+12:00");
        EmbeddedEnforcement.Result next = world.run(EnforceRequest.reconcile());
        assertEquals(0, next.report().actions().escalate(), "once");
        assertEquals(DeviceStatus.FAILED, verdict(next.report(), "d01-corp-iphone").status());
    }

    /**
     * The worker acts on the plan: it does not apply the escalation rule again, nor work out when the device came into
     * scope; the item says. It checks only that the plan's premises still hold (here the app is still listed).
     */
    @Test
    void theWorkerEscalatesAsThePlanDecided_keyedByThePlansTimeInScope() {
        deadlineRun();
        world.at("2023-04-03T09:00+12:00");
        String device = world.id("d01-corp-iphone");
        java.time.Instant planned = EnforcementWorld.POLICY.deadlineInstant();
        java.time.Instant now = world.fleet.sims.clock().instant();
        WorkOutcome done = world.enforcement.service().work(new DeviceWork(DeviceAction.Kind.ESCALATE, device, "run-2",
                org.appban.domain.Actor.schedule("test"), now.atZone(EnforcementWorld.POLICY.zone()).toLocalDate(), false, planned), "m-2");
        assertEquals(WorkOutcome.Result.DONE, done.result(), done.toString());
        List<LedgerEntry> escalated = world.ledgerEntries("enforce.escalated");
        assertEquals(1, escalated.size());
        assertEquals(planned.toString(), escalated.get(0).record().details().get("inScopeSince"));
        assertEquals(EnforcementKeys.escalated(device, planned, EnforcementWorld.POLICY.zone()), escalated.get(0).record().idempotencyKey());
    }

    @Test
    void aPlannedEscalationWhosePremiseNoLongerHoldsIsSkippedAndRecorded() {
        deadlineRun();
        world.at("2023-04-03T09:00+12:00");
        world.refreshInventory();
        // d12's owner removed the app on 24 March: the inventory no longer lists it.
        String device = world.id("d12-corp-iphone-self-removes");
        java.time.Instant now = world.fleet.sims.clock().instant();
        WorkOutcome skipped = world.enforcement.service().work(new DeviceWork(DeviceAction.Kind.ESCALATE, device, "run-2",
                org.appban.domain.Actor.schedule("test"), now.atZone(EnforcementWorld.POLICY.zone()).toLocalDate(), false,
                EnforcementWorld.POLICY.deadlineInstant()), "m-2");
        assertEquals(WorkOutcome.Result.SKIPPED, skipped.result(), skipped.toString());
        assertEquals("the inventory no longer shows the app", skipped.detail());
        assertEquals(List.of(), world.ledgerEntries("enforce.escalated"));
    }
}
