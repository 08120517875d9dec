package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.appban.fleet.EnforcementStep.Outcome;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProEnforcement;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.http.SimServer;
import org.junit.jupiter.api.Test;

class JamfProEnforcementTest extends FleetEnforcementContract {
    @Override
    protected FleetDevice.Mdm mdm() {
        return FleetDevice.Mdm.JAMF;
    }

    @Override
    protected FleetEnforcement adapter(SimulatedFleet fleet, RemoteOptions options) {
        return new JamfProEnforcement(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
                new Secret(Simulators.JAMF_CLIENT_SECRET)), options), "appban");
    }

    @Override
    protected SimServer server(SimulatedFleet fleet) {
        return fleet.sims.jamf();
    }

    @Override
    protected String reinstallingDevice() {
        return "d29-jamf-iphone-supervised";
    }

    @Override
    protected String exemptDevice() {
        return "d35-jamf-iphone-exempt";
    }

    @Override
    protected String unknownDeviceId() {
        return "9999";
    }

    @Test
    void jamfHasNoComplianceRuleAndSaysSo() {
        EnforcementStep step = enforcement.ensureComplianceRule(SimulatedFleet.APP, Set.of());
        assertEquals(Outcome.UNSUPPORTED, step.outcome());
    }
}
