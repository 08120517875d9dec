package org.appban.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.AppPresence;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProEnforcement;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.policy.BannedApp;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Corporate Macs managed by Jamf Pro are inventoried beside its mobile devices (Jamf's computer inventory, against the
 * simulator): ids kept apart from the mobile devices', the banned app found by the bundle id the policy names for
 * macOS (or its display name), the MAC from the hardware section, personal Macs' apps never read; and no mobile
 * device resource is ever sent a computer's number.
 */
class JamfProComputersTest {
    /** The policy's app, named for macOS too (a Mac runs the iPad app under the same bundle id, or a Mac build). */
    static final BannedApp APP_ON_MACS = new BannedApp("TikTok",
            Map.of(Platform.IOS, List.of("com.zhiliaoapp.musically"), Platform.MACOS, List.of("com.zhiliaoapp.musically")),
            List.of("TikTok"), Map.of(), List.of("tiktok.com"));
    private static final String FLEET = """
            {"startsAt": "2023-03-17T08:00+13:00",
             "catalog": [{"identifier": "com.zhiliaoapp.musically", "name": "TikTok"}, {"identifier": "com.example.tiktok-desktop", "name": "TikTok"}],
             "members": [
               {"id": "m1", "name": "Aroha Ngata", "email": "aroha@example.org", "role": "staff"},
               {"id": "m2", "name": "Brent Low", "email": "brent@example.org", "role": "staff"},
               {"id": "m3", "name": "Cora Tait", "email": "cora@example.org", "role": "member"},
               {"id": "m4", "name": "Dan Ruru", "email": "dan@example.org", "role": "staff"}
             ],
             "devices": [
               {"id": "aroha-iphone", "owner": "m1", "ownership": "corporate", "platform": "ios", "supervised": true,
                "apps": [], "mdm": "jamf", "mac": "02:00:00:00:00:01"},
               {"id": "aroha-mac", "owner": "m1", "ownership": "corporate", "platform": "macos", "model": "MacBook Air", "supervised": false,
                "apps": ["com.apple.Safari", "com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:00:00:00:00:02"},
               {"id": "brent-mac", "owner": "m2", "ownership": "corporate", "platform": "macos", "model": "iMac", "supervised": false,
                "apps": [], "mdm": "jamf"},
               {"id": "cora-mac", "owner": "m3", "ownership": "private", "platform": "macos", "supervised": false,
                "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:00:00:00:00:04", "enrollment": "UserEnrollment"},
               {"id": "dan-mac", "owner": "m4", "ownership": "corporate", "platform": "macos", "supervised": false,
                "apps": ["com.example.tiktok-desktop"], "mdm": "jamf", "mac": "02:00:00:00:00:05"}
             ]}
            """;
    private final SimulatedFleet fleet = new SimulatedFleet(new FleetLoader().parse(FLEET, "jamf macs"), SimSettings.defaults());
    private final JamfProClient client = new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
            new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options);
    private final JamfProInventory inventory = new JamfProInventory(client);

    @AfterEach
    void stop() {
        fleet.close();
    }

    private InventoriedDevice listed(List<InventoriedDevice> all, String mdmId) {
        return all.stream().filter(d -> d.mdmId().equals(mdmId)).findFirst().orElseThrow(() -> new AssertionError(mdmId + " not in " + all));
    }

    @Test
    void macsAreListedAsJamfComputersBesideTheMobileDevicesUnderIdsOfTheirOwn() {
        List<InventoriedDevice> all = inventory.devices(APP_ON_MACS).toList();
        assertEquals(5, all.size(), all.toString());
        assertEquals(Platform.IOS, listed(all, "1").platform(), "mobile device 1");
        InventoriedDevice mac = listed(all, "computer-1");
        assertEquals("jamf:computer-1", mac.deviceId());
        assertEquals(MdmKind.JAMF, mac.mdm());
        assertEquals(Platform.MACOS, mac.platform());
        assertEquals(Ownership.CORPORATE, mac.ownership());
        assertEquals("aroha@example.org", mac.ownerEmail());
        assertEquals("02:00:00:00:00:02", mac.macAddress().toString());
        assertEquals("MacBook Air", mac.model());
        assertEquals(AppPresence.PRESENT, mac.appPresence(), mac.evidence());
        assertTrue(mac.evidence().contains("com.zhiliaoapp.musically"), mac.evidence());
        assertEquals(AppPresence.ABSENT, listed(all, "computer-2").appPresence());
        assertEquals(null, listed(all, "computer-2").macAddress(), "a Mac without a MAC is kept, without one");
        assertEquals(AppPresence.PRESENT, listed(all, "computer-4").appPresence(), "found by the display name Jamf lists it under (TikTok.app)");
    }

    @Test
    void aPersonalMacIsPrivateAndItsAppsAreNeverRead() {
        InventoriedDevice cora = listed(inventory.devices(APP_ON_MACS).toList(), "computer-3");
        assertEquals(Ownership.PRIVATE, cora.ownership());
        assertEquals(AppPresence.UNKNOWN, cora.appPresence(), "the app is on it, but a personal Mac's app list is not the MDM's to read");
        for (String id : fleet.sims.jamf().appListsDisclosed()) assertTrue(fleet.device(id).corporate(), id);
    }

    @Test
    void aPolicyThatNamesNoMacAppBansNothingOnAMac() {
        InventoriedDevice mac = listed(inventory.devices(SimulatedFleet.APP).toList(), "computer-1");
        assertEquals(AppPresence.ABSENT, mac.appPresence());
        assertTrue(mac.evidence().contains("names no macOS app"), mac.evidence());
    }

    @Test
    void computersArePagedInIdOrderWithTheSectionsTheInventoryNeeds() {
        inventory.devices(APP_ON_MACS).toList();
        var pages = fleet.sims.jamf().requests().matching(r -> r.path().equals("/api/v1/computers-inventory"));
        assertEquals(1, pages.size());
        String query = URLDecoder.decode(pages.get(0).query(), StandardCharsets.UTF_8);
        for (String part : List.of("section=GENERAL", "section=HARDWARE", "section=USER_AND_LOCATION", "section=APPLICATIONS", "sort=id:asc", "page=0", "page-size=100")) {
            assertTrue(query.contains(part), query);
        }
    }

    @Test
    void oneComputerIsReadByItsOwnIdAndAComputerJamfDoesNotHaveIsNone() {
        assertEquals(AppPresence.PRESENT, inventory.device(APP_ON_MACS, "computer-1").orElseThrow().appPresence());
        assertTrue(inventory.device(APP_ON_MACS, "computer-9").isEmpty());
        assertTrue(inventory.device(APP_ON_MACS, "computer-x").isEmpty(), "not an id: nothing asked");
        var asked = fleet.sims.jamf().requests().matching(r -> r.path().startsWith("/api/"));
        assertTrue(asked.stream().noneMatch(r -> r.path().contains("mobile-devices")), "a computer is never looked up among the mobile devices");
        assertTrue(asked.stream().anyMatch(r -> URLDecoder.decode(String.valueOf(r.query()), StandardCharsets.UTF_8).contains("filter=id==\"1\"")));
        assertEquals(Platform.IOS, inventory.device(APP_ON_MACS, "1").orElseThrow().platform(), "and mobile device 1 is still itself");
    }

    @Test
    void noMobileDeviceResourceIsEverSentAComputersNumber() {
        JamfProEnforcement enforcement = new JamfProEnforcement(client, "appban");
        EnforcementStep uninstall = enforcement.ensureUninstall(APP_ON_MACS, Set.of("1", "computer-1"), Set.of("computer-1"));
        // The app's scope is the exempt static group of mobile devices; an exempt Mac is never put in it.
        assertEquals("0", uninstall.evidence().get("exempt.added"), "a Mac is in no mobile device group: " + uninstall.evidence());
        List<SyncOutcome> synced = enforcement.sync(List.of("computer-1", "1"));
        assertEquals(SyncOutcome.Status.NOT_FOUND, synced.stream().filter(s -> s.mdmId().equals("computer-1")).findFirst().orElseThrow().status());
        assertEquals(SyncOutcome.Status.REQUESTED, synced.stream().filter(s -> s.mdmId().equals("1")).findFirst().orElseThrow().status());
        var commands = fleet.sims.jamf().requests().matching(r -> r.path().startsWith("/JSSResource/mobiledevicecommands/"));
        assertEquals(1, commands.size());
        assertTrue(commands.get(0).path().endsWith("/id/1"), commands.get(0).path());
        assertFalse(fleet.sims.world().history().stream().anyMatch(e -> e.device().equals("aroha-mac") && e.what().startsWith("app-uninstall")));
    }
}
