package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.appban.domain.AppPresence;
import org.appban.domain.Ownership;
import org.appban.remote.RemoteFailure;
import org.appban.remote.RemoteOptions;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.http.Fault;
import org.appban.sim.http.SimServer;
import org.appban.sim.world.SimDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FleetInventory} adapter must do, checked against its simulator over real HTTP. A subclass says
 * which MDM and how to build the adapter.
 */
public abstract class FleetInventoryContract {
    protected SimulatedFleet fleet;

    protected abstract FleetDevice.Mdm mdm();

    protected abstract FleetInventory adapter(SimulatedFleet fleet, RemoteOptions options);

    protected abstract FleetInventory adapterWithWrongSecret(SimulatedFleet fleet, RemoteOptions options);

    protected abstract SimServer server(SimulatedFleet fleet);

    /** Requests that list devices (where faults are injected). */
    protected abstract boolean isListing(org.appban.sim.http.SimRequest r);

    @AfterEach
    void stop() {
        if (fleet != null) fleet.close();
    }

    private List<InventoriedDevice> all(FleetInventory inventory) {
        return inventory.devices(SimulatedFleet.APP).toList();
    }

    private List<SimDevice> enrolled() {
        return fleet.sims.world().devices().stream().filter(d -> d.enrolledIn(mdm())).toList();
    }

    @Test
    void listsEveryEnrolledDeviceAcrossPagesWithItsOwnerAndKeys() {
        fleet = SimulatedFleet.large(230);
        if (server(fleet) instanceof org.appban.sim.intune.IntuneSimulator intune) intune.emptyPages(true);
        List<InventoriedDevice> devices = all(adapter(fleet, fleet.options));
        assertEquals(enrolled().size(), devices.size());
        Map<String, SimDevice> byMdmId = enrolled().stream().collect(Collectors.toMap(SimulatedFleet::mdmId, d -> d));
        for (InventoriedDevice d : devices) {
            SimDevice truth = byMdmId.get(d.mdmId());
            String email = fleet.sims.world().fleet().member(truth.spec().owner()).orElseThrow().email();
            assertEquals(email, d.ownerEmail());
            assertEquals(truth.spec().mac(), java.util.Objects.toString(d.macAddress(), null));
            assertEquals(truth.corporate() ? Ownership.CORPORATE : Ownership.PRIVATE, d.ownership());
        }
        assertTrue(server(fleet).requests().count(r -> !r.inner() && r.status() == 200) > 3, "several pages were fetched");
    }

    @Test
    void corporateDevicesSayWhetherTheAppIsThereByIdentifierOrDisplayName() {
        fleet = SimulatedFleet.sample();
        Map<String, InventoriedDevice> byId = all(adapter(fleet, fleet.options)).stream().collect(Collectors.toMap(InventoriedDevice::mdmId, d -> d));
        for (SimDevice d : enrolled()) {
            InventoriedDevice seen = byId.get(SimulatedFleet.mdmId(d));
            if (!d.corporate()) continue;
            boolean has = d.reportedApps().stream().anyMatch(a -> a.equals("com.zhiliaoapp.musically") || a.equals("com.ss.android.ugc.trill"));
            assertEquals(has ? AppPresence.PRESENT : AppPresence.ABSENT, seen.appPresence(), d.id());
        }
    }

    @Test
    void privateDevicesShowOnlyComplianceAndTheirAppsAreNeverRequested() {
        fleet = SimulatedFleet.sample();
        List<InventoriedDevice> devices = all(adapter(fleet, fleet.options));
        assertTrue(devices.stream().anyMatch(d -> d.ownership() == Ownership.PRIVATE), "the sample has private devices in this MDM");
        devices.stream().filter(d -> d.ownership() == Ownership.PRIVATE).forEach(d -> assertEquals(AppPresence.UNKNOWN, d.appPresence()));
        for (String disclosed : server(fleet).appListsDisclosed()) {
            assertTrue(fleet.device(disclosed).corporate(), "the app list of private device " + disclosed + " was requested");
        }
    }

    @Test
    void aTokenThatExpiresMidRunIsRenewedAndTheRunCompletes() {
        // Large enough that an adapter reading ahead of its consumer (a few pages queued, some parked) still has
        // pages to ask for after the token expires.
        fleet = SimulatedFleet.large(3000);
        Iterator<InventoriedDevice> it = adapter(fleet, fleet.options).devices(SimulatedFleet.APP).iterator();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 120; i++) seen.add(it.next().mdmId());
        server(fleet).expireTokensNow();
        it.forEachRemaining(d -> seen.add(d.mdmId()));
        assertEquals(enrolled().size(), seen.size());
        assertTrue(server(fleet).requests().count(r -> r.status() == 401) >= 1);
    }

    @Test
    void a429WithRetryAfterIsWaitedOut() {
        fleet = SimulatedFleet.sample();
        server(fleet).faults().next(Fault.throttle(3), this::isListing);
        assertEquals(enrolled().size(), all(adapter(fleet, fleet.options)).size());
        assertTrue(fleet.waits.contains(Duration.ofSeconds(3)), "waited the Retry-After: " + fleet.waits);
    }

    @Test
    void a429WithoutRetryAfterBacksOffExponentially() {
        fleet = SimulatedFleet.sample();
        server(fleet).faults().next(Fault.throttleWithoutRetryAfter(), this::isListing).next(Fault.throttleWithoutRetryAfter(), this::isListing)
                .next(Fault.throttleWithoutRetryAfter(), this::isListing);
        assertEquals(enrolled().size(), all(adapter(fleet, fleet.options)).size());
        // Short waits for the client's own budget may come in between: look at the backoffs only.
        List<Duration> backoffs = fleet.waits.stream().filter(w -> w.toMillis() >= 100).toList();
        assertEquals(3, backoffs.size(), fleet.waits.toString());
        assertTrue(backoffs.get(2).compareTo(backoffs.get(0)) > 0, "backoff grows: " + backoffs);
    }

    @Test
    void aBurstOfServerErrorsIsRetriedButAnEndlessOneFailsAsTransient() {
        fleet = SimulatedFleet.sample();
        server(fleet).faults().next(4, Fault.serverError(503));
        assertEquals(enrolled().size(), all(adapter(fleet, fleet.options)).size());
        server(fleet).faults().next(50, Fault.serverError(502));
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> all(adapter(fleet, fleet.options)));
        assertEquals(RemoteFailure.Kind.TRANSIENT, f.kind());
        server(fleet).faults().clear();
    }

    @Test
    void aRequestThatHangsPastTheTimeoutIsRetried() {
        fleet = SimulatedFleet.sample();
        server(fleet).faults().next(Fault.hang(Duration.ofSeconds(3)), this::isListing);
        assertEquals(enrolled().size(), all(adapter(fleet, fleet.options.withTimeout(Duration.ofMillis(500)))).size());
    }

    @Test
    void refusedCredentialsAreAnAuthFailureThatNamesNoSecret() {
        fleet = SimulatedFleet.sample();
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> all(adapterWithWrongSecret(fleet, fleet.options)));
        assertEquals(RemoteFailure.Kind.AUTH, f.kind());
        assertTrue(!f.getMessage().contains("wrong-secret"), f.getMessage());
    }
}
