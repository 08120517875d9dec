package org.appban.enforce;

import static org.appban.enforce.PlannerFixtures.DEADLINE;
import static org.appban.enforce.PlannerFixtures.device;
import static org.appban.enforce.PlannerFixtures.granted;
import static org.appban.enforce.PlannerFixtures.nz;
import static org.appban.enforce.PlannerFixtures.snapshot;
import static org.appban.enforce.PlannerFixtures.supervisedIphone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EnforcementPlannerTest {
    private final EnforcementPlanner planner = new EnforcementPlanner();
    private static final Instant AT_DEADLINE = DEADLINE;
    private static final Instant DAY_AFTER = nz("2023-04-01T06:00");

    private static final Device IPHONE = supervisedIphone("iphone", "m1", AppPresence.PRESENT);
    private static final Device UNSUPERVISED = device("unsupervised", "m2", Ownership.CORPORATE, Platform.IOS, false, MdmKind.INTUNE, AppPresence.PRESENT);
    private static final Device ANDROID = device("android", "m3", Ownership.CORPORATE, Platform.ANDROID, false, MdmKind.INTUNE, AppPresence.PRESENT);
    private static final Device CLEAN = supervisedIphone("clean", "m4", AppPresence.ABSENT);
    private static final Device LAPTOP = device("laptop", "m4", Ownership.CORPORATE, Platform.WINDOWS, false, MdmKind.INTUNE, AppPresence.UNKNOWN);
    private static final Device UNMANAGED = device("unmanaged", "m5", Ownership.CORPORATE, Platform.IOS, true, MdmKind.NONE, AppPresence.UNKNOWN);
    private static final Device JAMF = device("jamf", "m6", Ownership.CORPORATE, Platform.IOS, true, MdmKind.JAMF, AppPresence.PRESENT);
    private static final Device EXEMPT = supervisedIphone("exempt", "m7", AppPresence.PRESENT);
    private static final Device PRIVATE_EXEMPT = device("private-exempt", "m7", Ownership.PRIVATE, Platform.ANDROID, false, MdmKind.INTUNE, AppPresence.UNKNOWN);
    private static final Device PRIVATE = device("private", "m8", Ownership.PRIVATE, Platform.IOS, false, MdmKind.INTUNE, AppPresence.UNKNOWN);
    private static final List<Device> FLEET = List.of(IPHONE, UNSUPERVISED, ANDROID, CLEAN, LAPTOP, UNMANAGED, JAMF, EXEMPT, PRIVATE_EXEMPT, PRIVATE);
    private static final List<Exemption> EXEMPTIONS = List.of(granted("ex-m7", "m7", null, nz("2023-09-30T00:00")));

    private EnforcementPlan plan(Instant now) {
        return planner.plan(snapshot(FLEET, EXEMPTIONS, Map.of(), now), EnforcementScope.ALL);
    }

    private static DeviceVerdict verdict(EnforcementPlan p, String id) {
        return p.devices().stream().filter(v -> v.device().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id + " not in " + p.devices()));
    }

    @Nested
    class BeforeTheDeadline {
        private final EnforcementPlan plan = plan(nz("2023-03-30T23:59"));

        @Test
        void nothingDestructiveIsDue() {
            assertTrue(plan.beforeDeadline());
            assertTrue(plan.fleet().isEmpty(), "no MDM state to apply yet");
            assertTrue(plan.actions().isEmpty(), "no device action yet");
            assertEquals(0, plan.newRemovals());
        }

        @Test
        void theReportSaysWhatWillHappen() {
            assertEquals(DeviceStatus.SCHEDULED, verdict(plan, "iphone").status());
            assertEquals(DeviceStatus.REMOVED, verdict(plan, "clean").status());
            assertEquals(DeviceStatus.NOT_BLOCKABLE, verdict(plan, "unsupervised").status());
            assertEquals(DeviceStatus.EXEMPT, verdict(plan, "exempt").status());
        }
    }

    @Nested
    class AtTheDeadline {
        private final EnforcementPlan plan = plan(AT_DEADLINE);

        @Test
        void everyCorporateDeviceInScopeIsAnUninstallTargetAndExemptDevicesAreExcludedInstead() {
            MdmDesiredState intune = plan.fleet().stream().filter(f -> f.mdm() == MdmKind.INTUNE).findFirst().orElseThrow();
            assertEquals(Set.of("mdm-iphone", "mdm-unsupervised", "mdm-android", "mdm-clean"), intune.uninstallTargets());
            assertEquals(Set.of("mdm-exempt", "mdm-private-exempt"), intune.exempt(), "one exclusion for all three steps, private devices included");
            MdmDesiredState jamf = plan.fleet().stream().filter(f -> f.mdm() == MdmKind.JAMF).findFirst().orElseThrow();
            assertEquals(Set.of("mdm-jamf"), jamf.uninstallTargets());
        }

        @Test
        void devicesThatStillHaveTheAppAndCanLoseItAreAskedToCheckIn() {
            List<String> synced = plan.actions(DeviceAction.Kind.SYNC).stream().map(DeviceAction::device).toList();
            assertEquals(List.of("android", "iphone", "jamf"), synced);
            assertTrue(plan.actions(DeviceAction.Kind.ESCALATE).isEmpty());
            assertEquals(3, plan.newRemovals(), "the blast radius counts removals this run starts");
            assertEquals(6, plan.inScope(), "corporate, covered platform, not exempt");
        }

        @Test
        void eachDeviceStandsWhereTheInventorySaysNotWhereACommandWouldPutIt() {
            assertEquals(DeviceStatus.PENDING, verdict(plan, "iphone").status());
            assertEquals(DeviceStatus.REMOVED, verdict(plan, "clean").status());
            assertEquals(DeviceStatus.EXEMPT, verdict(plan, "exempt").status());
            DeviceVerdict unsupervised = verdict(plan, "unsupervised");
            assertEquals(DeviceStatus.NOT_BLOCKABLE, unsupervised.status());
            assertTrue(unsupervised.detail().contains("unsupervised"), unsupervised.detail());
            DeviceVerdict unmanaged = verdict(plan, "unmanaged");
            assertEquals(DeviceStatus.NOT_BLOCKABLE, unmanaged.status());
            assertTrue(unmanaged.detail().startsWith("not enrolled in an MDM; left to its member"), unmanaged.detail());
            DeviceVerdict android = verdict(plan, "android");
            assertEquals(DeviceStatus.PENDING, android.status());
            assertFalse(android.reinstallBlocked(), "Android reinstall cannot be blocked here");
            assertTrue(verdict(plan, "iphone").reinstallBlocked());
        }

        @Test
        void privateDevicesAndPlatformsThePolicyDoesNotNameAreLeftAlone() {
            assertTrue(plan.devices().stream().noneMatch(v -> v.device().startsWith("private") || v.device().equals("laptop")));
            assertEquals(1, plan.outOfScope());
        }
    }

    @Test
    void aDeviceIsAskedToCheckInAtMostOnceADay() {
        Map<String, DeviceHistory> history = Map.of("iphone", new DeviceHistory(true, "requested", nz("2023-04-01T00:05"), false));
        EnforcementPlan p = planner.plan(snapshot(FLEET, EXEMPTIONS, history, DAY_AFTER), EnforcementScope.ALL);
        assertTrue(p.actions().stream().noneMatch(a -> a.device().equals("iphone")));
        assertEquals(DeviceStatus.PENDING, verdict(p, "iphone").status());
        assertTrue(verdict(p, "iphone").detail().contains("check-in requested at"), verdict(p, "iphone").detail());
        assertEquals(2, p.newRemovals(), "iphone's removal started in an earlier run");
    }

    @Test
    void aFailedCheckInRequestIsReportedWithWhy() {
        Map<String, DeviceHistory> history = Map.of("iphone", new DeviceHistory(true, "not-found", nz("2023-04-01T00:05"), false));
        DeviceVerdict v = verdict(planner.plan(snapshot(FLEET, EXEMPTIONS, history, DAY_AFTER), EnforcementScope.ALL), "iphone");
        assertEquals(DeviceStatus.FAILED, v.status());
        assertTrue(v.detail().contains("not-found"), v.detail());
    }

    @Test
    void aDeviceStillCarryingTheAppAfterThePolicysDaysIsEscalatedOnce() {
        Instant threeDaysOn = nz("2023-04-03T00:00");
        EnforcementPlan due = planner.plan(snapshot(FLEET, EXEMPTIONS, Map.of(), threeDaysOn), EnforcementScope.ALL);
        assertEquals(List.of("android", "iphone", "jamf", "unsupervised"), due.actions(DeviceAction.Kind.ESCALATE).stream().map(DeviceAction::device).toList(),
                "the unsupervised iPhone too: the MDM could not remove it, the member has not");
        assertEquals(DeviceStatus.FAILED, verdict(due, "iphone").status());

        EnforcementPlan justBefore = planner.plan(snapshot(FLEET, EXEMPTIONS, Map.of(), threeDaysOn.minusSeconds(1)), EnforcementScope.ALL);
        assertTrue(justBefore.actions(DeviceAction.Kind.ESCALATE).isEmpty());

        Map<String, DeviceHistory> escalated = Map.of("iphone", new DeviceHistory(true, null, null, true));
        EnforcementPlan later = planner.plan(snapshot(FLEET, EXEMPTIONS, escalated, nz("2023-04-05T09:00")), EnforcementScope.ALL);
        assertTrue(later.actions(DeviceAction.Kind.ESCALATE).stream().noneMatch(a -> a.device().equals("iphone")));
        assertTrue(later.actions(DeviceAction.Kind.SYNC).stream().anyMatch(a -> a.device().equals("iphone")), "still asked to check in each day");
        assertEquals(DeviceStatus.FAILED, verdict(later, "iphone").status());
    }

    /** The ban holds on a corporate device the MDM cannot clean: escalated like a failed removal, never sent to the MDM. */
    @Test
    void aCorporateDeviceTheMdmCannotCleanIsEscalatedOnceButNeverAskedToCheckIn() {
        Instant threeDaysOn = nz("2023-04-03T00:00");
        EnforcementPlan due = planner.plan(snapshot(FLEET, EXEMPTIONS, Map.of(), threeDaysOn), EnforcementScope.ALL);
        DeviceAction escalation = due.actions(DeviceAction.Kind.ESCALATE).stream().filter(a -> a.device().equals("unsupervised")).findFirst().orElseThrow();
        assertFalse(escalation.newRemoval(), "no removal starts: it does not count towards the blast radius");
        assertTrue(escalation.why().contains("the MDM cannot remove it"), escalation.why());
        assertTrue(due.actions(DeviceAction.Kind.SYNC).stream().noneMatch(a -> a.device().equals("unsupervised")));
        DeviceVerdict v = verdict(due, "unsupervised");
        assertEquals(DeviceStatus.NOT_BLOCKABLE, v.status(), "reported apart from the removals");
        assertTrue(v.detail().contains("escalated by this run") && v.detail().contains("network access"), v.detail());

        Map<String, DeviceHistory> escalated = Map.of("unsupervised", new DeviceHistory(false, null, null, true));
        EnforcementPlan later = planner.plan(snapshot(FLEET, EXEMPTIONS, escalated, nz("2023-04-05T09:00")), EnforcementScope.ALL);
        assertTrue(later.actions().stream().noneMatch(a -> a.device().equals("unsupervised")), "escalated once");
        assertTrue(verdict(later, "unsupervised").detail().contains("; escalated;"), verdict(later, "unsupervised").detail());

        Device removedByItsMember = device("unsupervised", "m2", Ownership.CORPORATE, Platform.IOS, false, MdmKind.INTUNE, AppPresence.ABSENT);
        EnforcementPlan clean = planner.plan(snapshot(List.of(removedByItsMember), List.of(), Map.of(), threeDaysOn), EnforcementScope.ALL);
        assertTrue(clean.actions().isEmpty());
        assertEquals(DeviceStatus.REMOVED, verdict(clean, "unsupervised").status());
    }

    @Test
    void anExemptionThatExpiresBringsTheDeviceIntoScopeAndItsDaysCountFromThen() {
        Instant expires = nz("2023-04-14T00:00");
        List<Exemption> expiring = List.of(granted("ex-m7", "m7", "exempt", expires));
        EnforcementPlan whileExempt = planner.plan(snapshot(FLEET, expiring, Map.of(), expires.minusSeconds(60)), EnforcementScope.ALL);
        assertEquals(DeviceStatus.EXEMPT, verdict(whileExempt, "exempt").status());
        assertTrue(whileExempt.actions().stream().noneMatch(a -> a.device().equals("exempt")));

        EnforcementPlan after = planner.plan(snapshot(FLEET, expiring, Map.of(), expires.plusSeconds(60)), EnforcementScope.ALL);
        assertTrue(after.fleet().stream().anyMatch(f -> f.uninstallTargets().contains("mdm-exempt")));
        DeviceAction sync = after.actions().stream().filter(a -> a.device().equals("exempt")).findFirst().orElseThrow();
        assertEquals(DeviceAction.Kind.SYNC, sync.kind());
        assertEquals(expires, sync.inScopeSince());
        assertTrue(after.actions(DeviceAction.Kind.ESCALATE).stream().noneMatch(a -> a.device().equals("exempt")),
                "not overdue: it came into scope a minute ago, not on the deadline");
    }

    @Test
    void aRevokedExemptionProtectsNothingFromItsRevocation() {
        Instant revokedAt = nz("2023-04-02T10:00");
        Exemption revoked = new Exemption("ex-r", "m7", null, "x", ExemptionStatus.REVOKED, "m7", nz("2023-03-18T10:00"), "approver",
                nz("2023-03-20T10:00"), nz("2023-09-30T00:00"), "approver", revokedAt);
        EnforcementPlan p = planner.plan(snapshot(FLEET, List.of(revoked), Map.of(), nz("2023-04-03T00:00")), EnforcementScope.ALL);
        DeviceAction sync = p.actions().stream().filter(a -> a.device().equals("exempt")).findFirst().orElseThrow();
        assertEquals(revokedAt, sync.inScopeSince());
    }

    @Test
    void aRequestForOneMemberActsOnTheirDevicesButTheFleetStateAndTheBlastRadiusStayFleetWide() {
        EnforcementPlan p = planner.plan(snapshot(FLEET, EXEMPTIONS, Map.of(), AT_DEADLINE), EnforcementScope.members(Set.of("m1")));
        assertEquals(List.of("iphone"), p.actions().stream().map(DeviceAction::device).toList());
        assertEquals(List.of("iphone"), p.devices().stream().map(DeviceVerdict::device).toList());
        assertEquals(4, p.fleet().stream().filter(f -> f.mdm() == MdmKind.INTUNE).findFirst().orElseThrow().uninstallTargets().size());
        assertEquals(3, p.newRemovals());
    }

    @Test
    void devicesOfAnMdmAppbanIsNotConnectedToAreNotBlockableAndNotTargeted() {
        EnforcementSnapshot s = new EnforcementSnapshot(PlannerFixtures.POLICY, FLEET, EXEMPTIONS, Map.of(), Set.of(MdmKind.INTUNE), AT_DEADLINE);
        EnforcementPlan p = planner.plan(s, EnforcementScope.ALL);
        assertTrue(p.fleet().stream().noneMatch(f -> f.mdm() == MdmKind.JAMF));
        DeviceVerdict jamf = verdict(p, "jamf");
        assertEquals(DeviceStatus.NOT_BLOCKABLE, jamf.status());
        assertTrue(jamf.detail().contains("not connected to jamf"), jamf.detail());
    }

    @Test
    void aRetiredDeviceIsNeitherTargetedNorReported() {
        Device gone = IPHONE.withRetired(true);
        EnforcementPlan p = planner.plan(snapshot(List.of(gone), List.of(), Map.of(), AT_DEADLINE), EnforcementScope.ALL);
        assertTrue(p.devices().isEmpty());
        assertTrue(p.fleet().stream().allMatch(f -> f.uninstallTargets().isEmpty()));
    }
}
