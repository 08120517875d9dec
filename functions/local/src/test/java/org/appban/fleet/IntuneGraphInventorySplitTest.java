package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.world.SimDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Intune listing split into concurrent cursors by owner type: exact, or not split at all. */
class IntuneGraphInventorySplitTest {
    private SimulatedFleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) fleet.close();
    }

    private IntuneGraphInventory adapter() {
        return new IntuneGraphInventory(new IntuneGraphClient(IntuneGraphInventoryTest.connection(fleet, Simulators.GRAPH_CLIENT_SECRET), fleet.options));
    }

    private Set<String> enrolledIds() {
        Set<String> ids = new HashSet<>();
        fleet.sims.world().devices().stream().filter(d -> d.enrolledIn(FleetDevice.Mdm.INTUNE)).map(SimDevice::intuneId).forEach(ids::add);
        return ids;
    }

    private long filteredRequests() {
        return fleet.sims.intune().requests().count(r -> r.path().equals("/v1.0/deviceManagement/managedDevices") && r.query() != null && r.query().contains("filter"));
    }

    @Test
    void theSplitListingReturnsEveryDeviceExactlyOnceThroughOneCursorPerOwnerType() {
        fleet = SimulatedFleet.large(430);
        fleet.sims.intune().emptyPages(true);
        List<InventoriedDevice> listed = adapter().devices(SimulatedFleet.APP).toList();
        Set<String> unique = new HashSet<>();
        listed.forEach(d -> assertTrue(unique.add(d.mdmId()), "listed twice: " + d.mdmId()));
        assertEquals(enrolledIds(), unique);
        assertTrue(filteredRequests() > 3, "the owner-type cursors did the listing");
        assertEquals(0, fleet.sims.intune().requests().count(r -> r.path().equals("/v1.0/deviceManagement/managedDevices") && r.query() != null
                && !r.query().contains("filter") && r.query().contains("skiptoken")), "no unfiltered cursor ran past its first page");
    }

    @Test
    void aFleetOfAFewPagesIsListedThroughOneCursor() {
        fleet = SimulatedFleet.sample();
        List<InventoriedDevice> listed = adapter().devices(SimulatedFleet.APP).toList();
        assertEquals(enrolledIds(), new HashSet<>(listed.stream().map(InventoriedDevice::mdmId).toList()));
        assertEquals(0, filteredRequests(), "no split for a listing of a page or two");
    }

    @Test
    void aMixedFleetsCorporateDevicesAreSplitByOperatingSystemToo() {
        StringBuilder members = new StringBuilder();
        StringBuilder devices = new StringBuilder();
        String[] platforms = {"ios", "android", "windows"};
        for (int i = 0; i < 900; i++) {
            if (i > 0) {
                members.append(',');
                devices.append(',');
            }
            boolean corporate = i % 5 != 4;
            members.append("{\"id\":\"p").append(i).append("\",\"name\":\"P ").append(i).append("\",\"email\":\"p").append(i).append("@example.org\",\"role\":\"staff\"}");
            devices.append("{\"id\":\"dev").append(i).append("\",\"owner\":\"p").append(i).append("\",\"ownership\":\"").append(corporate ? "corporate" : "private")
                    .append("\",\"platform\":\"").append(platforms[i % 3]).append("\",\"supervised\":").append(corporate && i % 3 == 0)
                    .append(",\"apps\":[").append(i % 2 == 0 ? "\"com.zhiliaoapp.musically\"" : "").append("],\"mdm\":\"intune\"}");
        }
        String json = "{\"startsAt\":\"2023-03-17T08:00+13:00\",\"catalog\":[{\"identifier\":\"com.zhiliaoapp.musically\",\"name\":\"TikTok\"}],"
                + "\"members\":[" + members + "],\"devices\":[" + devices + "]}";
        fleet = new SimulatedFleet(new org.appban.sim.fleet.FleetLoader().parse(json, "mixed-fleet"), org.appban.sim.http.SimSettings.defaults());
        List<InventoriedDevice> listed = adapter().devices(SimulatedFleet.APP).toList();
        Set<String> unique = new HashSet<>();
        listed.forEach(d -> assertTrue(unique.add(d.mdmId()), "listed twice: " + d.mdmId()));
        assertEquals(enrolledIds(), unique);
        for (String os : List.of("iOS", "Android", "Windows")) {
            assertTrue(fleet.sims.intune().requests().count(r -> r.query() != null && r.query().contains("skiptoken")
                    && r.query().contains("operatingSystem") && r.query().contains(os)) > 0, "a cursor of its own paged the corporate " + os + " devices");
        }
    }

    @Test
    void whenGraphIgnoresTheFilterTheCountsDisagreeAndOneCursorListsEverythingOnce() {
        fleet = SimulatedFleet.large(230);
        fleet.sims.intune().ignoreDeviceFilters(true);
        List<InventoriedDevice> listed = adapter().devices(SimulatedFleet.APP).toList();
        Set<String> unique = new HashSet<>();
        listed.forEach(d -> assertTrue(unique.add(d.mdmId()), "listed twice: " + d.mdmId()));
        assertEquals(enrolledIds(), unique);
        assertEquals(3 + 5, filteredRequests(), "only the first page of each owner type (and of each corporate OS) was asked for, then the split was abandoned");
    }

    @Test
    void corporateDevicesWaitForTheAppHoldersSoTheirPresenceIsRight() {
        fleet = SimulatedFleet.large(230);
        for (InventoriedDevice d : adapter().devices(SimulatedFleet.APP).toList()) {
            SimDevice truth = fleet.sims.world().devices().stream().filter(x -> x.intuneId().equals(d.mdmId())).findFirst().orElseThrow();
            if (!truth.corporate()) continue;
            boolean has = truth.reportedApps().contains("com.zhiliaoapp.musically");
            assertEquals(has ? org.appban.domain.AppPresence.PRESENT : org.appban.domain.AppPresence.ABSENT, d.appPresence(), truth.id());
        }
    }

    @Test
    void corporatePagesListedBeforeTheHoldersAreKnownAreParkedAndStillGetTheirPresence() {
        fleet = SimulatedFleet.large(430);
        // The holders' listing is slowed (each of its pages first hangs and is retried), so the corporate cursor runs ahead.
        for (int i = 0; i < 4; i++) fleet.sims.intune().faults().next(org.appban.sim.http.Fault.hang(java.time.Duration.ofMillis(300)), r -> r.path().contains("/detectedApps/"));
        List<InventoriedDevice> listed = adapter().devices(SimulatedFleet.APP).toList();
        Set<String> unique = new HashSet<>();
        listed.forEach(d -> assertTrue(unique.add(d.mdmId()), "listed twice: " + d.mdmId()));
        assertEquals(enrolledIds(), unique);
        for (InventoriedDevice d : listed) {
            SimDevice truth = fleet.sims.world().devices().stream().filter(x -> x.intuneId().equals(d.mdmId())).findFirst().orElseThrow();
            if (!truth.corporate()) continue;
            boolean has = truth.reportedApps().contains("com.zhiliaoapp.musically");
            assertEquals(has ? org.appban.domain.AppPresence.PRESENT : org.appban.domain.AppPresence.ABSENT, d.appPresence(), truth.id());
        }
        var log = fleet.sims.intune().requests().all();
        java.time.Instant holdersDone = log.stream().filter(r -> r.path().contains("/detectedApps/") && r.status() == 200)
                .map(org.appban.sim.http.RecordedRequest::wallTime).max(java.util.Comparator.naturalOrder()).orElseThrow();
        long companyPagesBefore = log.stream().filter(r -> r.query() != null && r.query().contains("company") && r.wallTime().isBefore(holdersDone)).count();
        assertTrue(companyPagesBefore > 1, "the corporate cursor kept listing while the holders were fetched: " + companyPagesBefore);
    }

    @Test
    void closingTheStreamEarlyStopsTheCursors() throws InterruptedException {
        fleet = SimulatedFleet.large(430);
        try (var stream = adapter().devices(SimulatedFleet.APP)) {
            assertEquals(10, stream.limit(10).count());
        }
        Thread.sleep(200); // requests in flight at the close are logged as they complete
        int after = fleet.sims.intune().requests().all().size();
        Thread.sleep(300);
        assertEquals(after, fleet.sims.intune().requests().all().size(), "no request after the stream was closed");
    }
}
