package org.appban.network;

import org.appban.domain.MacAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.appban.fleet.SimulatedFleet;
import org.appban.network.AccessChange.Outcome;
import org.appban.remote.RemoteFailure;
import org.appban.remote.RemoteOptions;
import org.appban.sim.http.Fault;
import org.appban.sim.http.SimServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link NetworkAccess} adapter must do, checked against its simulator over real HTTP. */
public abstract class NetworkAccessContract {
    protected SimulatedFleet fleet;
    protected NetworkAccess nac;

    protected abstract NetworkAccess adapter(SimulatedFleet fleet, RemoteOptions options, String password);

    protected abstract SimServer server(SimulatedFleet fleet);

    protected abstract String correctPassword();

    /** Puts the endpoint under another quarantine policy, behind the adapter's back. */
    protected abstract void applyOtherPolicy(String mac);

    @BeforeEach
    void start() {
        fleet = SimulatedFleet.sample();
        nac = adapter(fleet, fleet.options, correctPassword());
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    private EndpointKey keyOf(String fleetDeviceId) {
        var d = fleet.device(fleetDeviceId);
        return new EndpointKey(d.spec().mac() == null ? null : MacAddress.parse(d.spec().mac()), SimulatedFleet.mdmId(d));
    }

    @Test
    void quarantineAndReleaseAreIdempotentAndSayWhichKeyWasUsed() {
        EndpointKey key = keyOf("d07-private-iphone");
        assertFalse(nac.state(key).quarantined());
        AccessChange first = nac.quarantine(key);
        assertEquals(Outcome.QUARANTINED, first.outcome());
        assertEquals(EndpointKey.Kind.MAC, first.keyUsed());
        assertEquals(fleet.device("d07-private-iphone").spec().mac(), first.key());
        assertTrue(nac.state(key).quarantined());
        assertEquals(Outcome.ALREADY_QUARANTINED, nac.quarantine(key).outcome(), "the NAC's apply-twice error means 'already'");
        assertEquals(Outcome.RELEASED, nac.release(key).outcome());
        assertEquals(Outcome.ALREADY_CLEAR, nac.release(key).outcome(), "the NAC's clear-without-policy error means 'already'");
        assertFalse(nac.state(key).quarantined());
    }

    @Test
    void twoDevicesSharingAMacShareTheirFate() {
        nac.quarantine(keyOf("d26-private-iphone-shared-mac"));
        assertTrue(nac.state(keyOf("d27-private-ipad-shared-mac")).quarantined());
    }

    @Test
    void aDeviceWithoutAUsableKeyIsUnsupported() {
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> nac.quarantine(keyOf("d28-private-android-no-mac")));
        assertEquals(RemoteFailure.Kind.UNSUPPORTED, f.kind());
    }

    @Test
    void anEndpointUnderAnotherPolicyIsAFailureNotAnAlready() {
        EndpointKey key = keyOf("d10-private-iphone-unmanaged");
        applyOtherPolicy(key.macAddress().toString());
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> nac.quarantine(key));
        assertEquals(RemoteFailure.Kind.PERMANENT, f.kind());
        assertThrows(RemoteFailure.class, () -> nac.release(key));
    }

    @Test
    void throttlingWithAndWithoutRetryAfterAndA5xxBurstAreRiddenOut() {
        EndpointKey key = keyOf("d25-private-iphone-unmanaged");
        server(fleet).faults().next(Fault.throttle(2)).next(Fault.throttleWithoutRetryAfter()).next(3, Fault.serverError(503));
        assertEquals(Outcome.QUARANTINED, nac.quarantine(key).outcome());
        assertTrue(fleet.waits.contains(Duration.ofSeconds(2)), fleet.waits.toString());
        // Retry waits only: an adapter that paces itself under a published rate also waits for its token bucket
        // (milliseconds, and many of them here, as the recording sleeper barely sleeps).
        List<Duration> retryWaits = fleet.waits.stream().filter(d -> d.toMillis() >= 100).toList();
        assertEquals(5, retryWaits.size(), retryWaits.toString());
    }

    @Test
    void stateIsFoundBeyondTheFirstPageOfAssignments() {
        for (int i = 0; i < 130; i++) nac.quarantine(EndpointKey.mac(MacAddress.parse(String.format("02:EE:00:00:%02X:%02X", i / 256, i % 256))));
        EndpointKey key = keyOf("d09-private-android");
        nac.quarantine(key);
        assertTrue(nac.state(key).quarantined());
        assertTrue(server(fleet).requests().count(r -> r.query() != null && r.query().contains("page=2")) > 0);
    }

    @Test
    void listingTheQuarantinedEndpointsGivesEveryAssignmentWithItsPolicy() {
        EndpointKey ours = keyOf("d07-private-iphone");
        EndpointKey theirs = keyOf("d10-private-iphone-unmanaged");
        nac.quarantine(ours);
        applyOtherPolicy(theirs.macAddress().toString());
        nac.quarantinedEndpoints().ifPresent(all -> {
            assertEquals(2, all.size(), all.toString());
            assertTrue(all.stream().anyMatch(e -> e.key().equals(ours.macAddress().toString()) && e.quarantined()), all.toString());
            assertTrue(all.stream().anyMatch(e -> e.key().equals(theirs.macAddress().toString()) && e.policy().equals("Shutdown")), all.toString());
        });
        nac.release(ours);
        nac.quarantinedEndpoints().ifPresent(all -> assertEquals(1, all.size(), all.toString()));
    }

    @Test
    void wrongCredentialsAreAnAuthFailure() {
        NetworkAccess wrong = adapter(fleet, fleet.options, "wrong-secret");
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> wrong.quarantine(keyOf("d07-private-iphone")));
        assertEquals(RemoteFailure.Kind.AUTH, f.kind());
        assertFalse(f.getMessage().contains("wrong-secret"));
        assertEquals(List.of(), List.of());
    }
}
