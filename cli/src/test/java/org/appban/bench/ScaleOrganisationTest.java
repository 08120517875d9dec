package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.Test;

class ScaleOrganisationTest {
    private static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");

    @Test
    void theSameSeedMakesTheSameOrganisationAndAnotherSeedAnother() {
        ScaleOrganisation a = new ScaleOrganisation(200, 800, 18);
        assertEquals(a.fleetJson(NOW), new ScaleOrganisation(200, 800, 18).fleetJson(NOW));
        assertArrayEquals(a.withApp(), new ScaleOrganisation(200, 800, 18).withApp());
        assertFalse(java.util.Arrays.equals(a.withApp(), new ScaleOrganisation(200, 800, 19).withApp()));
    }

    @Test
    void theSimulatorsLoadTheFleetWithEveryDeviceOwnedByAMemberAndEveryMacUnique() {
        ScaleOrganisation org = new ScaleOrganisation(250, 1000, 18);
        Fleet fleet = new FleetLoader().parse(org.fleetJson(NOW), "test");
        assertEquals(250, fleet.members().size());
        assertEquals(1000, fleet.devices().size());
        Set<String> members = new HashSet<>();
        fleet.members().forEach(m -> members.add(m.id()));
        Set<String> macs = new HashSet<>();
        fleet.devices().forEach(d -> {
            assertTrue(members.contains(d.owner()), d.id() + " belongs to a member");
            assertTrue(macs.add(d.mac()), d.mac() + " once");
        });
    }

    @Test
    void inAnyHourAboutAnEighthOfTheMdmsDevicesCheckIn() {
        ScaleOrganisation organisation = new ScaleOrganisation(250, 1000, 18);
        org.appban.sim.Simulators sims = org.appban.sim.Simulators.of(new FleetLoader().parse(organisation.fleetJson(NOW), "test"),
                org.appban.sim.http.SimSettings.defaults());
        int mdm = 0;
        for (int i = 0; i < 1000; i++) if (ScaleOrganisation.kind(i) != ScaleOrganisation.Kind.PRIVATE) mdm++;
        for (int hour = 0; hour < 12; hour++) {
            java.util.Map<String, Instant> before = new java.util.HashMap<>();
            sims.world().devices().forEach(d -> before.put(d.id(), d.lastCheckIn()));
            sims.clock().advance(Duration.ofHours(1));
            long checkedIn = sims.world().devices().stream().filter(d -> d.lastCheckIn() != null && !d.lastCheckIn().equals(before.get(d.id()))).count();
            assertTrue(checkedIn > mdm / 12 && checkedIn < mdm / 6, "hour " + hour + ": " + checkedIn + " of " + mdm + " MDM devices checked in");
        }
    }

    @Test
    void halfTheFleetIsInIntuneAFifthInJamfAndTheRestPrivateInAnyPrefix() {
        for (int devices : List.of(10, 1000, 100_000)) {
            int[] n = new int[3];
            for (int i = 0; i < devices; i++) n[ScaleOrganisation.kind(i).ordinal()]++;
            assertEquals(devices / 2, n[0]);
            assertEquals(devices / 5, n[1]);
            assertEquals(devices - devices / 2 - devices / 5, n[2]);
        }
    }

    @Test
    void aboutAThirdOfDevicesCarryTheApp() {
        boolean[] with = new ScaleOrganisation(1000, 30_000, 18).withApp();
        int n = 0;
        for (boolean b : with) if (b) n++;
        assertTrue(n > 9_500 && n < 10_500, n + " of 30,000");
    }

    @Test
    void devicesAreDealtInTurnSoEveryMemberHasTheirShare() {
        ScaleOrganisation org = new ScaleOrganisation(3, 7, 18);
        Fleet fleet = new FleetLoader().parse(org.fleetJson(NOW), "test");
        long first = fleet.devices().stream().filter(d -> d.owner().equals(ScaleOrganisation.memberId(0))).count();
        long last = fleet.devices().stream().filter(d -> d.owner().equals(ScaleOrganisation.memberId(2))).count();
        assertEquals(3, first);
        assertEquals(2, last);
    }

    @Test
    void oneMemberInAHundredIsExemptAndOneInTenOfThoseEndsWithinTheNoticeWindow() {
        List<Exemption> list = new ScaleOrganisation(2500, 0, 18).exemptions(NOW, Duration.ofDays(14));
        assertEquals(25, list.size());
        assertTrue(list.stream().allMatch(x -> x.status() == ExemptionStatus.GRANTED && x.device() == null));
        long ending = list.stream().filter(x -> x.expires().isBefore(NOW.plus(Duration.ofDays(14)))).count();
        assertEquals(3, ending); // exemptions 0, 10 and 20
        assertEquals(1, new ScaleOrganisation(1, 0, 18).exemptions(NOW, Duration.ofDays(14)).size());
    }

    @Test
    void sizesThatCannotBeAnOrganisationAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ScaleOrganisation(0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new ScaleOrganisation(10, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ScaleOrganisation(10, 17_000_000, 1));
    }
}
