package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.http.SimRequest;
import org.appban.sim.http.SimServer;
import org.junit.jupiter.api.Test;

class JamfProInventoryTest extends FleetInventoryContract {
    @Override
    protected FleetDevice.Mdm mdm() {
        return FleetDevice.Mdm.JAMF;
    }

    @Override
    protected FleetInventory adapter(SimulatedFleet fleet, RemoteOptions options) {
        return new JamfProInventory(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
                new Secret(Simulators.JAMF_CLIENT_SECRET)), options));
    }

    @Override
    protected FleetInventory adapterWithWrongSecret(SimulatedFleet fleet, RemoteOptions options) {
        return new JamfProInventory(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
                new Secret("wrong-secret")), options));
    }

    @Override
    protected SimServer server(SimulatedFleet fleet) {
        return fleet.sims.jamf();
    }

    @Override
    protected boolean isListing(SimRequest r) {
        return r.path().equals("/api/v2/mobile-devices/detail");
    }

    @Test
    void theAppsSectionIsOnlyEverAskedForInstitutionalMobileDevices() {
        fleet = SimulatedFleet.sample();
        adapter(fleet, fleet.options).devices(SimulatedFleet.APP).toList();
        // (Computers: JamfProComputersTest; a personal Mac's inventory holds no app of the member's own.)
        var withApps = fleet.sims.jamf().requests().matching(r -> r.path().equals("/api/v2/mobile-devices/detail") && r.query() != null
                && r.query().contains("APPLICATIONS"));
        assertTrue(!withApps.isEmpty());
        withApps.forEach(r -> assertTrue(java.net.URLDecoder.decode(r.query(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("general.deviceOwnershipType==\"Institutional\""), r.query()));
    }

    @Test
    void aUserAccountTokenIsRenewedWithKeepAliveAndReplacedWhenRefused() {
        fleet = SimulatedFleet.sample();
        var inventory = new JamfProInventory(new JamfProClient(JamfConnection.user(fleet.sims.jamf().baseUri(), Simulators.JAMF_USER,
                new Secret(Simulators.JAMF_PASSWORD)), fleet.options));
        long devices = inventory.devices(SimulatedFleet.APP).count();
        fleet.sims.jamf().expireTokensNow();
        assertEquals(devices, inventory.devices(SimulatedFleet.APP).count());
        assertEquals(2, fleet.sims.jamf().requests().count(r -> r.path().equals("/api/v1/auth/token")));
    }
}
