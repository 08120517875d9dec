package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.Test;

/**
 * The fault run on the sample fleet (the long run, a few thousand devices, is {@code ./appban bench faults}): the
 * whole campaign under transient 5xx, throttling, hangs, token expiry, SES throttling and a crash at each point where
 * a side effect precedes its record, each followed by the platform's retry. Nothing may be lost, and nothing done
 * twice except an email in the documented SES window.
 */
class FaultRunIT {
    @Test
    void every_crash_point_is_recovered_without_losing_an_entry_or_doubling_an_action() {
        FaultsBench.Figures f = FaultsBench.measure(new PolicyLoader().bundled(PolicyLoader.BUNDLED),
                new FleetLoader().resolve(FleetLoader.SAMPLE), 1, FaultsBench.DEFAULT_RETRIES, new PrintStream(System.out));
        FaultsBench.print(f, System.out);

        assertEquals(List.of(), f.lostDetail(), "ledger entries lost");
        assertEquals(List.of(), f.duplicateDetail(), "emails sent twice outside the documented SES crash window");
        assertEquals(0, f.duplicateUninstalls(), "uninstall assignments beyond the clean run");
        assertEquals(0, f.duplicateNacCommands(), "NAC commands repeated beyond the clean run");
        assertEquals(0, f.wrongfulQuarantines(), "wrongful quarantines");
        assertEquals(List.of(), f.failedTriggers(), "invocations still failing after the retry budget");
        assertEquals(f.devices(), f.converged(), "devices that did not reach the clean run's end state: " + f.notConverged());
        assertEquals(0, f.secretLeaks(), "secrets in the fault run's logs and outputs");
        // Each point that the campaign passes is crashed at least once.
        for (Map.Entry<String, Integer> p : f.occurrencesPerPoint().entrySet()) {
            if (p.getValue() > 0) assertTrue(f.crashesPerPoint().get(p.getKey()) > 0, "never crashed at: " + p.getKey());
        }
        assertTrue(f.crashesPerPoint().get(CrashPoints.SES_WINDOW) > 0, "the SES window is exercised");
    }
}
