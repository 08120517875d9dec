package org.appban.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.appban.fleet.SimulatedFleet;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.remote.RemoteFailure;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.http.Fault;
import org.junit.jupiter.api.Test;

/** The ISE adapter as the device registry, against the ISE simulator over HTTP. */
class CiscoIseRegisteredDevicesTest {
    private static RegisteredDevices registry(SimulatedFleet fleet, String password) {
        return new CiscoIseNetworkAccess(new IseConnection(fleet.sims.ise().baseUri(), Simulators.ISE_USER, new Secret(password), "Quarantine"), fleet.options);
    }

    private static Map<String, RegisteredDevice> byMac(RegisteredDevices registry) {
        try (var s = registry.registered()) {
            return s.collect(Collectors.toMap(d -> d.mac().toString(), Function.identity()));
        }
    }

    @Test
    void theSampleFleetsEndpointsNameTheOwnersOfPrivateDevicesOnly() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            Map<String, RegisteredDevice> all = byMac(registry(fleet, Simulators.ISE_PASSWORD));
            String m10 = fleet.sims.world().fleet().member("m10").orElseThrow().email();
            assertEquals(m10, all.get("02:AB:00:00:00:0B").portalUser(), "d10, private and enrolled nowhere");
            assertNull(all.get("02:AB:00:00:00:01").portalUser(), "d01 is corporate");
            assertEquals(fleet.sims.world().fleet().member("m26").orElseThrow().email(), all.get("DA:A1:19:5E:00:01").portalUser(),
                    "a shared MAC is one endpoint, the first registrant's");
            assertTrue(all.values().stream().allMatch(d -> d.endpointId() != null && !d.endpointId().isBlank()));
        }
    }

    @Test
    void anEndpointReadWithinADayIsNotReadAgainUnlessNewOrRenamed() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            RegisteredDevices registry = registry(fleet, Simulators.ISE_PASSWORD);
            Map<String, RegisteredDevice> first = byMac(registry);
            java.util.function.LongSupplier reads = () -> fleet.sims.ise().requests().count(r -> r.path().startsWith("/ers/config/endpoint/"));
            long afterFirst = reads.getAsLong();
            assertTrue(afterFirst >= first.size(), "the first listing reads each endpoint");

            fleet.sims.clock().advance(Duration.ofHours(1));
            assertEquals(first, byMac(registry), "an hour later: the same registry");
            assertEquals(afterFirst, reads.getAsLong(), "from the pages alone");

            fleet.sims.clock().advance(CiscoIseNetworkAccess.REGISTRY_DETAILS_TRUSTED);
            assertEquals(first, byMac(registry));
            assertEquals(2 * afterFirst, reads.getAsLong(), "a day on, every endpoint is read again");
        }
    }

    @Test
    void everyPageIsRead() {
        try (SimulatedFleet fleet = SimulatedFleet.large(70)) {
            assertEquals(140, byMac(registry(fleet, Simulators.ISE_PASSWORD)).size());
            assertTrue(fleet.sims.ise().requests().count(r -> r.path().equals("/ers/config/endpoint") && r.query() != null && r.query().contains("page=2")) > 0);
        }
    }

    @Test
    void aBurstOf5xxAndThrottlingAreRiddenOut() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            int expected = byMac(registry(fleet, Simulators.ISE_PASSWORD)).size();
            fleet.sims.ise().faults().next(Fault.throttle(2)).next(3, Fault.serverError(503))
                    .next(Fault.throttleWithoutRetryAfter(), r -> r.path().startsWith("/ers/config/endpoint/"));
            assertEquals(expected, byMac(registry(fleet, Simulators.ISE_PASSWORD)).size());
            assertTrue(fleet.waits.contains(Duration.ofSeconds(2)), fleet.waits.toString());
            List<Duration> retryWaits = fleet.waits.stream().filter(d -> d.toMillis() >= 100).toList();
            assertEquals(5, retryWaits.size(), retryWaits.toString());
        }
    }

    @Test
    void aListingThatKeepsFailingThrowsAfterWhatItDelivered() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            fleet.sims.ise().faults().serverErrors(1.0);
            RemoteFailure f = assertThrows(RemoteFailure.class, () -> byMac(registry(fleet, Simulators.ISE_PASSWORD)));
            assertEquals(RemoteFailure.Kind.TRANSIENT, f.kind());
        }
    }

    @Test
    void wrongCredentialsAreAnAuthFailure() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            RemoteFailure f = assertThrows(RemoteFailure.class, () -> byMac(registry(fleet, "wrong-secret")));
            assertEquals(RemoteFailure.Kind.AUTH, f.kind());
        }
    }
}
