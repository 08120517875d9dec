package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
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

    @Test
    void syncingAnUnknownDeviceSaysNotFound() {
        List<SyncOutcome> out = enforcement.sync(List.of(unknownDeviceId()));
        assertEquals(SyncOutcome.Status.NOT_FOUND, out.get(0).status(), out.toString());
    }

    protected abstract String unknownDeviceId();
}
