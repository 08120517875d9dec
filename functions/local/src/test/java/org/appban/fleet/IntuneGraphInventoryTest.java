package org.appban.fleet;

import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.http.SimRequest;
import org.appban.sim.http.SimServer;

class IntuneGraphInventoryTest extends FleetInventoryContract {
    static IntuneConnection connection(SimulatedFleet fleet, String secret) {
        var base = fleet.sims.intune().baseUri();
        return new IntuneConnection(base, base, Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(secret));
    }

    @Override
    protected FleetDevice.Mdm mdm() {
        return FleetDevice.Mdm.INTUNE;
    }

    @Override
    protected FleetInventory adapter(SimulatedFleet fleet, RemoteOptions options) {
        return new IntuneGraphInventory(new IntuneGraphClient(connection(fleet, Simulators.GRAPH_CLIENT_SECRET), options));
    }

    @Override
    protected FleetInventory adapterWithWrongSecret(SimulatedFleet fleet, RemoteOptions options) {
        return new IntuneGraphInventory(new IntuneGraphClient(connection(fleet, "wrong-secret"), options));
    }

    @Override
    protected SimServer server(SimulatedFleet fleet) {
        return fleet.sims.intune();
    }

    /**
     * The unfiltered listing request (the count probe of a split listing, or the one cursor of an unsplit one). The
     * split's cursors run at once, so faults meant to hit one request again and again (a growing backoff) aim at
     * this one request rather than at whichever cursor asks next.
     */
    @Override
    protected boolean isListing(SimRequest r) {
        return r.path().equals("/v1.0/deviceManagement/managedDevices") && (r.query() == null || !r.query().contains("filter"));
    }
}
