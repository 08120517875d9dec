package org.appban.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.junit.jupiter.api.Test;

/**
 * The bundled ban escalates a corporate device the inventory still shows with the app 3 days (in Pacific/Auckland)
 * after it came into scope, once. The planner decides by this rule for every kind of corporate device.
 */
class EscalationRuleTest {
    private final EscalationRule rule = new EscalationRule(PlannerFixtures.POLICY);
    private static final Instant DEADLINE = PlannerFixtures.DEADLINE; // 2023-03-31T00:00+13:00

    @Test
    void dueThePolicysDaysAfterTheDeviceCameIntoScope_countedOnTheLocalCalendar() {
        // Daylight saving ends in Auckland on 2 April 2023: three local days are 73 hours here, not 72.
        assertEquals(PlannerFixtures.nz("2023-04-03T00:00"), rule.dueAt(DEADLINE));
        assertEquals(Duration.ofHours(73), Duration.between(DEADLINE, rule.dueAt(DEADLINE)));
        assertFalse(rule.due(AppPresence.PRESENT, DEADLINE, DEADLINE.plus(Duration.ofHours(72)), false), "72 hours is not yet three days");
        assertTrue(rule.due(AppPresence.PRESENT, DEADLINE, PlannerFixtures.nz("2023-04-03T00:00"), false));
    }

    @Test
    void onlyAnAppTheInventoryListsIsEscalated() {
        Instant later = PlannerFixtures.nz("2023-04-05T09:00");
        assertTrue(rule.due(AppPresence.PRESENT, DEADLINE, later, false));
        assertFalse(rule.due(AppPresence.UNKNOWN, DEADLINE, later, false), "an inventory that has not said is no evidence");
        assertFalse(rule.due(AppPresence.ABSENT, DEADLINE, later, false));
    }

    @Test
    void onceForEachTimeInScope() {
        assertFalse(rule.due(AppPresence.PRESENT, DEADLINE, PlannerFixtures.nz("2023-04-05T09:00"), true));
    }

    @Test
    void aDeviceWhoseExemptionEndedIsCountedFromTheEndOfItsExemption() {
        Instant exemptionEnded = PlannerFixtures.nz("2023-04-10T12:00");
        assertEquals(PlannerFixtures.nz("2023-04-13T12:00"), rule.dueAt(exemptionEnded));
    }

    /** The planner applies this rule alike to devices the MDM can clean and to those it cannot. */
    @Test
    void thePlannerEscalatesExactlyWhereTheRuleSaysForRemovableAndUnremovableDevicesAlike() {
        Device supervised = PlannerFixtures.supervisedIphone("intune:1", "m1", AppPresence.PRESENT);
        Device unsupervised = PlannerFixtures.device("jamf:2", "m2", Ownership.CORPORATE, Platform.IOS, false, MdmKind.JAMF, AppPresence.PRESENT);
        for (Instant now : List.of(DEADLINE.plus(Duration.ofHours(72)), PlannerFixtures.nz("2023-04-03T00:00"), PlannerFixtures.nz("2023-04-09T09:00"))) {
            EnforcementPlan plan = new EnforcementPlanner().plan(
                    PlannerFixtures.snapshot(List.of(supervised, unsupervised), List.of(), Map.of(), now), EnforcementScope.ALL);
            List<String> escalated = plan.actions(DeviceAction.Kind.ESCALATE).stream().map(DeviceAction::device).sorted().toList();
            List<String> byRule = rule.due(AppPresence.PRESENT, DEADLINE, now, false) ? List.of("intune:1", "jamf:2") : List.of();
            assertEquals(byRule, escalated, "at " + now);
        }
    }
}
