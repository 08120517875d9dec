package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.fleet.EnforcementStep.Outcome;
import org.appban.remote.RemoteOptions;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.http.SimServer;
import org.appban.sim.world.SimDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link FleetEnforcement} adapter must do, checked against its simulator over real HTTP. */
public abstract class FleetEnforcementContract {
    private static final String TIKTOK = "com.zhiliaoapp.musically";
    protected SimulatedFleet fleet;
    protected FleetEnforcement enforcement;

    protected abstract FleetDevice.Mdm mdm();

    protected abstract FleetEnforcement adapter(SimulatedFleet fleet, RemoteOptions options);

    protected abstract SimServer server(SimulatedFleet fleet);

    /** A supervised corporate iPhone with the app, one that will try to reinstall it after the deadline. */
    protected abstract String reinstallingDevice();

    /** A corporate device with the app that an exemption protects. */
    protected abstract String exemptDevice();

    @BeforeEach
    void start() {
        fleet = SimulatedFleet.sample();
        enforcement = adapter(fleet, fleet.options);
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    private List<SimDevice> corporate() {
        return fleet.sims.world().devices().stream().filter(d -> d.enrolledIn(mdm()) && d.corporate()).toList();
    }

    private Set<String> ids(List<SimDevice> devices) {
        Set<String> out = new LinkedHashSet<>();
        devices.forEach(d -> out.add(SimulatedFleet.mdmId(d)));
        return out;
    }

    private long writes() {
        return server(fleet).requests().count(r -> !r.method().equals("GET") && !r.path().contains("token") && !r.path().contains("/auth/"));
    }

    @Test
    void uninstallReachesTargetsAtTheirNextCheckInButNotExemptDevicesAndASecondRunChangesNothing() {
        SimDevice exempt = fleet.device(exemptDevice());
        Set<String> targets = ids(corporate());
        EnforcementStep first = enforcement.ensureUninstall(SimulatedFleet.APP, targets, Set.of(SimulatedFleet.mdmId(exempt)));
        assertEquals(Outcome.CHANGED, first.outcome(), first.toString());
        SimDevice target = fleet.device(reinstallingDevice());
        assertTrue(target.apps().contains(TIKTOK), "nothing happens before the device checks in");
        long writesBefore = writes();
        EnforcementStep second = enforcement.ensureUninstall(SimulatedFleet.APP, targets, Set.of(SimulatedFleet.mdmId(exempt)));
        assertEquals(Outcome.ALREADY_IN_PLACE, second.outcome(), second.toString());
        assertEquals(writesBefore, writes(), "a second run writes nothing");
        List<SyncOutcome> synced = enforcement.sync(targets);
        assertTrue(synced.stream().allMatch(s -> s.status() == SyncOutcome.Status.REQUESTED), synced.toString());
        assertFalse(target.apps().contains(TIKTOK), "removed at the check-in");
        assertTrue(exempt.apps().contains(TIKTOK), "the exempt device keeps it");
    }

    @Test
    void aChangedExemptionListIsReconciled() {
        Set<String> targets = ids(corporate());
        String exempt = SimulatedFleet.mdmId(fleet.device(exemptDevice()));
        enforcement.ensureUninstall(SimulatedFleet.APP, targets, Set.of(exempt));
        EnforcementStep revoked = enforcement.ensureUninstall(SimulatedFleet.APP, targets, Set.of());
        assertEquals(Outcome.CHANGED, revoked.outcome());
        enforcement.sync(Set.of(exempt));
        assertFalse(fleet.device(exemptDevice()).apps().contains(TIKTOK), "no longer exempt, so removed");
    }

    @Test
    void theReinstallBlockStopsSupervisedDevicesFromInstallingTheAppAgain() {
        Set<String> targets = ids(corporate());
        assertEquals(Outcome.CHANGED, enforcement.ensureReinstallBlock(SimulatedFleet.APP, Set.of()).outcome());
        assertEquals(Outcome.ALREADY_IN_PLACE, enforcement.ensureReinstallBlock(SimulatedFleet.APP, Set.of()).outcome());
        enforcement.ensureUninstall(SimulatedFleet.APP, targets, Set.of());
        enforcement.sync(targets);
        fleet.sims.clock().set(Instant.parse("2023-04-03T06:00:00Z"));
        assertTrue(fleet.sims.world().history().stream().anyMatch(e -> e.device().equals(reinstallingDevice()) && e.what().equals("app-install-blocked")),
                fleet.sims.world().history().toString());
        assertFalse(fleet.device(reinstallingDevice()).apps().contains(TIKTOK));
    }

    /** Writes that change something in the MDM, a batch's inner requests counted one by one (the batch itself not). */
    private long changes() {
        return server(fleet).requests().count(r -> !r.method().equals("GET") && !r.path().endsWith("$batch")
                && !r.path().contains("token") && !r.path().contains("/auth/"));
    }

    private Map<String, Placed> byId(List<Placed> placed) {
        Map<String, Placed> out = new java.util.HashMap<>();
        placed.forEach(p -> out.put(p.mdmId(), p));
        return out;
    }

    @Test
    void theUninstallIsAssignedOnceAndDevicesArePlacedOneByOneChangingOnlyTheirOwnMemberships() {
        SimDevice target = fleet.device(reinstallingDevice());
        SimDevice exempt = fleet.device(exemptDevice());
        String targetId = SimulatedFleet.mdmId(target);
        String exemptId = SimulatedFleet.mdmId(exempt);
        EnforcementStep assigned = enforcement.ensureAssigned(EnforcementStep.Step.UNINSTALL, SimulatedFleet.APP);
        assertEquals(Outcome.CHANGED, assigned.outcome(), assigned.toString());
        long afterAssign = changes();
        assertEquals(Outcome.ALREADY_IN_PLACE, enforcement.ensureAssigned(EnforcementStep.Step.UNINSTALL, SimulatedFleet.APP).outcome(),
                "the assignment is written once, whatever its groups hold");
        assertEquals(afterAssign, changes());

        Map<String, Placed> placed = byId(enforcement.place(SimulatedFleet.APP, Map.of(targetId, GroupPlacement.TARGET, exemptId, GroupPlacement.EXEMPT)));
        assertEquals(2, placed.size(), placed.toString());
        assertTrue(placed.values().stream().allMatch(p -> p.status() == Placed.Status.CHANGED || p.status() == Placed.Status.IN_PLACE), placed.toString());
        long afterPlace = changes();
        assertTrue(afterPlace - afterAssign <= 2, "one membership change per device at most, was " + (afterPlace - afterAssign));
        Map<String, Placed> again = byId(enforcement.place(SimulatedFleet.APP, Map.of(targetId, GroupPlacement.TARGET, exemptId, GroupPlacement.EXEMPT)));
        assertTrue(again.values().stream().allMatch(p -> p.status() == Placed.Status.IN_PLACE), again.toString());
        assertEquals(afterPlace, changes(), "placing a device where it is writes nothing");

        enforcement.sync(List.of(targetId, exemptId));
        assertFalse(target.apps().contains(TIKTOK), "the target lost the app at its check-in");
        assertTrue(exempt.apps().contains(TIKTOK), "the exempt device keeps it");
        assertEquals(0, server(fleet).requests().count(r -> r.method().equals("GET") && r.path().matches(".*/groups/[^/]+/members")),
                "no group is ever listed whole");
    }

    @Test
    void aDevicePlacedExemptThenTargetLosesTheAppAndOtherDevicesAreNotTouched() {
        enforcement.ensureAssigned(EnforcementStep.Step.UNINSTALL, SimulatedFleet.APP);
        SimDevice exempt = fleet.device(exemptDevice());
        String exemptId = SimulatedFleet.mdmId(exempt);
        enforcement.place(SimulatedFleet.APP, Map.of(exemptId, GroupPlacement.EXEMPT));
        enforcement.sync(List.of(exemptId));
        assertTrue(exempt.apps().contains(TIKTOK));
        long before = changes();
        Placed moved = enforcement.place(SimulatedFleet.APP, Map.of(exemptId, GroupPlacement.TARGET)).get(0);
        assertEquals(Placed.Status.CHANGED, moved.status(), moved.toString());
        assertTrue(changes() - before <= 2, "the device's own memberships only");
        enforcement.sync(List.of(exemptId));
        assertFalse(exempt.apps().contains(TIKTOK), "no longer exempt, so removed");
    }

    @Test
    void wholeSetAndDeviceByDeviceKeepTheSameGroups() {
        Set<String> targets = ids(corporate());
        String exempt = SimulatedFleet.mdmId(fleet.device(exemptDevice()));
        enforcement.ensureUninstall(SimulatedFleet.APP, targets, Set.of(exempt));
        assertEquals(Outcome.ALREADY_IN_PLACE, enforcement.ensureAssigned(EnforcementStep.Step.UNINSTALL, SimulatedFleet.APP).outcome());
        Placed p = enforcement.place(SimulatedFleet.APP, Map.of(exempt, GroupPlacement.EXEMPT)).get(0);
        assertEquals(Placed.Status.IN_PLACE, p.status(), p.toString());
        String target = SimulatedFleet.mdmId(fleet.device(reinstallingDevice()));
        assertEquals(Placed.Status.IN_PLACE, enforcement.place(SimulatedFleet.APP, Map.of(target, GroupPlacement.TARGET)).get(0).status());
    }

    @Test
    void aDeviceTheMdmDoesNotKnowIsNotFoundAndTheOthersArePlaced() {
        enforcement.ensureAssigned(EnforcementStep.Step.UNINSTALL, SimulatedFleet.APP);
        String exempt = SimulatedFleet.mdmId(fleet.device(exemptDevice()));
        Map<String, Placed> placed = byId(enforcement.place(SimulatedFleet.APP, Map.of(unknownDeviceId(), GroupPlacement.EXEMPT, exempt, GroupPlacement.EXEMPT)));
        assertEquals(Placed.Status.NOT_FOUND, placed.get(unknownDeviceId()).status(), placed.toString());
        assertEquals(Placed.Status.CHANGED, placed.get(exempt).status(), placed.toString());
    }

    @Test
    void theReinstallBlockAssignedOnceExcludesTheDevicesPlacedExempt() {
        assertEquals(Outcome.CHANGED, enforcement.ensureAssigned(EnforcementStep.Step.BLOCK_REINSTALL, SimulatedFleet.APP).outcome());
        assertEquals(Outcome.ALREADY_IN_PLACE, enforcement.ensureAssigned(EnforcementStep.Step.BLOCK_REINSTALL, SimulatedFleet.APP).outcome());
        enforcement.ensureAssigned(EnforcementStep.Step.UNINSTALL, SimulatedFleet.APP);
        String target = SimulatedFleet.mdmId(fleet.device(reinstallingDevice()));
        enforcement.place(SimulatedFleet.APP, Map.of(target, GroupPlacement.TARGET));
        enforcement.sync(List.of(target));
        fleet.sims.clock().set(Instant.parse("2023-04-03T06:00:00Z"));
        assertTrue(fleet.sims.world().history().stream().anyMatch(e -> e.device().equals(reinstallingDevice()) && e.what().equals("app-install-blocked")),
                fleet.sims.world().history().toString());
    }

    @Test
    void syncingAnUnknownDeviceSaysNotFound() {
        List<SyncOutcome> out = enforcement.sync(List.of(unknownDeviceId()));
        assertEquals(SyncOutcome.Status.NOT_FOUND, out.get(0).status(), out.toString());
    }

    protected abstract String unknownDeviceId();
}
