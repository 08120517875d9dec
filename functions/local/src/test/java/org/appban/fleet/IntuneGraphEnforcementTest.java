package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.appban.fleet.EnforcementStep.Outcome;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphEnforcement;
import org.appban.remote.RemoteOptions;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.http.Fault;
import org.appban.sim.http.SimServer;
import org.junit.jupiter.api.Test;

class IntuneGraphEnforcementTest extends FleetEnforcementContract {
    @Override
    protected FleetDevice.Mdm mdm() {
        return FleetDevice.Mdm.INTUNE;
    }

    @Override
    protected FleetEnforcement adapter(SimulatedFleet fleet, RemoteOptions options) {
        return new IntuneGraphEnforcement(new IntuneGraphClient(IntuneGraphInventoryTest.connection(fleet, Simulators.GRAPH_CLIENT_SECRET), options), "appban");
    }

    @Override
    protected SimServer server(SimulatedFleet fleet) {
        return fleet.sims.intune();
    }

    @Override
    protected String reinstallingDevice() {
        return "d13-corp-iphone-reinstaller";
    }

    @Override
    protected String exemptDevice() {
        return "d15-corp-iphone-exempt";
    }

    @Override
    protected String unknownDeviceId() {
        return "00000000-0000-0000-0000-000000000000";
    }

    @Test
    void theComplianceRuleMakesPrivateDevicesWithTheAppNoncompliantExceptExemptOnes() {
        String exemptPrivate = SimulatedFleet.mdmId(fleet.device("d16-private-android-exempt"));
        EnforcementStep step = enforcement.ensureComplianceRule(SimulatedFleet.APP, Set.of(exemptPrivate));
        assertEquals(Outcome.CHANGED, step.outcome(), step.toString());
        assertEquals(Outcome.ALREADY_IN_PLACE, enforcement.ensureComplianceRule(SimulatedFleet.APP, Set.of(exemptPrivate)).outcome());
        var clean = fleet.device("d34-private-iphone");
        var dirty = fleet.device("d20-private-iphone-exempt-expiring");
        var exempt = fleet.device("d16-private-android-exempt");
        enforcement.sync(List.of(SimulatedFleet.mdmId(clean), SimulatedFleet.mdmId(dirty), exemptPrivate));
        assertEquals("noncompliant", dirty.compliance());
        assertEquals("compliant", clean.compliance());
        assertEquals("noncompliant", exempt.compliance(), "excluded from the rule: its state stays what it was");
        assertTrue(fleet.sims.intune().appListsDisclosed().isEmpty(), "no device's app list was asked for");
    }

    @Test
    void anInnerThrottleInsideABatchIsRetriedOnItsOwn() {
        var d = fleet.device("d01-corp-iphone");
        fleet.sims.intune().faults().next(Fault.throttle(2), r -> r.inner() && r.path().endsWith("/syncDevice"));
        var out = enforcement.sync(List.of(SimulatedFleet.mdmId(d), SimulatedFleet.mdmId(fleet.device("d05-corp-iphone-clean"))));
        assertTrue(out.stream().allMatch(s -> s.status() == SyncOutcome.Status.REQUESTED), out.toString());
        assertTrue(fleet.waits.contains(Duration.ofSeconds(2)), fleet.waits.toString());
        assertEquals(3, fleet.sims.intune().requests().count(r -> r.inner() && r.path().endsWith("/syncDevice")), "only the throttled one was sent again");
    }

    @Test
    void moreThanTwentyDevicesGoOutInSeveralBatches() {
        // A budget with room for them all at once (ten times Graph's): batches of twenty.
        FleetEnforcement roomy = adapter(fleet, fleet.options.withBudgetScale(10));
        var many = fleet.sims.world().devices().stream().filter(x -> x.enrolledIn(FleetDevice.Mdm.INTUNE)).map(SimulatedFleet::mdmId).toList();
        assertTrue(many.size() > 20);
        var out = roomy.sync(many);
        assertEquals(many.size(), out.size());
        assertEquals((many.size() + 19) / 20, fleet.sims.intune().requests().count(r -> r.path().equals("/v1.0/$batch")));
    }

    @Test
    void aBatchTakesOnlyWhatTheBudgetHasNowAndTheRestGoesInTheNext() {
        // Graph's budget for device writes: a burst of 5, then about ten a second. A batch that waited for twenty
        // permits would send the first ones two seconds after they were granted, past their lease.
        var many = fleet.sims.world().devices().stream().filter(x -> x.enrolledIn(FleetDevice.Mdm.INTUNE)).map(SimulatedFleet::mdmId).toList();
        var out = enforcement.sync(many);
        assertTrue(out.stream().allMatch(s -> s.status() == SyncOutcome.Status.REQUESTED), out.toString());
        var batches = fleet.sims.intune().requests().matching(r -> r.path().equals("/v1.0/$batch"));
        assertTrue(batches.size() > (many.size() + 19) / 20, "more, smaller batches: " + batches.size());
        assertEquals(many.size(), fleet.sims.intune().requests().count(r -> r.inner() && r.path().endsWith("/syncDevice")), "each device once");
        assertEquals(0, fleet.sims.intune().requests().count(r -> r.status() == 429));
    }
}
