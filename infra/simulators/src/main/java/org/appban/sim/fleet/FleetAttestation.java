package org.appban.sim.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * A member confirming, through the signed link in their notices, that the banned app is gone from all their private
 * devices, at a point in the scenario. Whether it is true is up to the fleet's events: a member may attest and keep
 * the app (the network telemetry then tells).
 */
public record FleetAttestation(String member, Instant at) {
    public FleetAttestation {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(at, "at");
    }
}
