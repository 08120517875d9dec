package org.appban.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.world.SimDevice;
import org.appban.sim.world.SimWorld;
import org.junit.jupiter.api.Test;

class SimWorldTest {
    private final Fleet fleet = new FleetLoader().bundled(FleetLoader.SAMPLE);
    private final SimClock clock = new SimClock(fleet.startsAt());
    private final SimWorld world = new SimWorld(fleet, clock);

    private SimDevice device(String id) {
        return world.device(id).orElseThrow();
    }

    @Test
    void aDeviceWithAnEnrollEventJoinsOnlyWhenTheClockPassesIt() {
        assertFalse(device("d14-corp-iphone-late-enrol").present());
        clock.set(Instant.parse("2023-03-26T20:30:00Z"));
        assertTrue(device("d14-corp-iphone-late-enrol").present());
        assertEquals(Instant.parse("2023-03-26T20:30:00Z"), device("d14-corp-iphone-late-enrol").lastCheckIn());
    }

    @Test
    void anOwnersRemovalLandsAtItsTimeButTheMdmHearsOfItAtTheNextCheckIn() {
        clock.set(Instant.parse("2023-03-23T21:00:00Z"));
        SimDevice d = device("d12-corp-iphone-self-removes");
        assertFalse(d.apps().contains("com.zhiliaoapp.musically"));
        assertTrue(d.reportedApps().contains("com.zhiliaoapp.musically"), "not yet reported");
        clock.advance(Duration.ofHours(8));
        assertFalse(device("d12-corp-iphone-self-removes").reportedApps().contains("com.zhiliaoapp.musically"));
    }

    @Test
    void devicesCheckInOnTheirOwnRhythm() {
        Instant before = device("d34-corp-iphone-hourly").lastCheckIn();
        clock.advance(Duration.ofHours(3));
        assertTrue(device("d34-corp-iphone-hourly").lastCheckIn().isAfter(before.plus(Duration.ofHours(1))));
    }

    @Test
    void theClockNeverGoesBackwards() {
        assertThrows(IllegalArgumentException.class, () -> clock.set(fleet.startsAt().minusSeconds(1)));
    }
}
