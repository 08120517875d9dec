package org.appban.sim.jamf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.appban.sim.SimHttp;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.fleet.InvalidFleetException;
import org.appban.sim.http.Json;
import org.appban.sim.http.SimSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jamf Pro's computers as the Jamf Pro API reference describes {@code GET /api/v1/computers-inventory}: a paged
 * {@code {totalCount, results[]}} of records with {@code id}, {@code udid} and one key per section (GENERAL by default),
 * numbered apart from the mobile devices, the apps of institution-owned Macs only; and the ComputerInventoryCompleted
 * webhook at each Mac's inventory.
 */
class JamfComputersTest {
    private static final String FLEET = """
            {"startsAt": "2023-03-17T08:00+13:00",
             "catalog": [{"identifier": "com.zhiliaoapp.musically", "name": "TikTok"}],
             "members": [
               {"id": "m1", "name": "Aroha Ngata", "email": "aroha@example.org", "role": "staff"},
               {"id": "m2", "name": "Brent Low", "email": "brent@example.org", "role": "staff"},
               {"id": "m3", "name": "Cora Tait", "email": "cora@example.org", "role": "member"}
             ],
             "devices": [
               {"id": "aroha-iphone", "owner": "m1", "ownership": "corporate", "platform": "ios", "supervised": false,
                "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:00:00:00:00:01"},
               {"id": "aroha-mac", "owner": "m1", "ownership": "corporate", "platform": "macos", "model": "MacBook Air", "supervised": false,
                "apps": ["com.zhiliaoapp.musically", "com.apple.Safari"], "mdm": "jamf", "mac": "02:00:00:00:00:02", "checkInHours": 1},
               {"id": "brent-mac", "owner": "m2", "ownership": "corporate", "platform": "macos", "model": "iMac", "supervised": false,
                "apps": [], "mdm": "jamf", "mac": "02:00:00:00:00:03"},
               {"id": "cora-mac", "owner": "m3", "ownership": "private", "platform": "macos", "supervised": false,
                "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:00:00:00:00:04", "enrollment": "UserEnrollment"}
             ]}
            """;
    private final Simulators sims = Simulators.of(new FleetLoader().parse(FLEET, "macs"), SimSettings.defaults()).start();
    private final JamfSimulator jamf = sims.jamf();
    private final SimHttp http = new SimHttp();

    @AfterEach
    void stop() {
        sims.close();
    }

    private JsonNode get(String pathAndQuery, int status) {
        String token = http.send("POST", jamf.baseUri().resolve("/api/oauth/token"), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + Simulators.JAMF_CLIENT_ID + "&client_secret=" + Simulators.JAMF_CLIENT_SECRET)
                .json().get("access_token").asText();
        SimHttp.Reply r = http.send("GET", jamf.baseUri().resolve(pathAndQuery), null, null, "Authorization", "Bearer " + token);
        assertEquals(status, r.status(), r.text());
        return r.json();
    }

    @Test
    void computersArePagedWithTheSectionsAskedForAndNumberedApartFromMobileDevices() {
        JsonNode first = get("/api/v1/computers-inventory?section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&page=0&page-size=2&sort=id:asc", 200);
        assertEquals(3, first.get("totalCount").asInt());
        assertEquals(2, first.get("results").size());
        JsonNode mac = first.get("results").get(0);
        assertEquals("1", mac.get("id").asText(), "Jamf's first computer, though Jamf's first mobile device is id 1 too");
        assertEquals("02:00:00:00:00:02", mac.path("hardware").path("macAddress").asText());
        assertTrue(mac.path("hardware").path("altMacAddress").isNull());
        assertEquals("aroha@example.org", mac.path("userAndLocation").path("email").asText());
        assertTrue(mac.path("applications").isNull(), "a section not asked for is null");
        JsonNode second = get("/api/v1/computers-inventory?section=GENERAL&page=1&page-size=2&sort=id:asc", 200);
        assertEquals(1, second.get("results").size());
        assertEquals("3", second.get("results").get(0).get("id").asText());
        assertTrue(get("/api/v1/computers-inventory", 200).get("results").get(0).path("hardware").isNull(), "GENERAL only by default");

        JsonNode mobile = get("/api/v2/mobile-devices/detail?section=GENERAL&page-size=100", 200);
        assertEquals(1, mobile.get("totalCount").asInt(), "Macs are not mobile devices");
    }

    @Test
    void theAppsOfInstitutionOwnedMacsAreListedWithTheirBundleIdsAndNoPersonalMacsAppsAreDisclosed() {
        JsonNode all = get("/api/v1/computers-inventory?section=GENERAL&section=APPLICATIONS&page-size=100&sort=id:asc", 200).get("results");
        List<String> bundles = new ArrayList<>();
        all.get(0).get("applications").forEach(a -> bundles.add(a.get("bundleId").asText()));
        assertEquals(List.of("com.apple.Safari", "com.zhiliaoapp.musically"), bundles, "every app, in a fixed order");
        assertEquals("TikTok.app", all.get(0).get("applications").get(1).get("name").asText());
        assertEquals("device", all.get(0).path("general").path("appleEnrollmentType").asText());
        JsonNode personal = all.get(2);
        assertEquals("user", personal.path("general").path("appleEnrollmentType").asText());
        assertEquals(0, personal.get("applications").size(), "a personal Mac reports no unmanaged apps");
        for (String id : jamf.appListsDisclosed()) assertTrue(sims.world().device(id).orElseThrow().corporate(), id);
    }

    @Test
    void oneComputerIsReadByIdOrByAnRsqlFilterAndAnUnknownOneIs404() {
        assertEquals("iMac", get("/api/v1/computers-inventory/2?section=HARDWARE", 200).path("hardware").path("model").asText());
        assertEquals(2, get("/api/v1/computers-inventory-detail/1", 200).path("applications").size(), "the detail has every section");
        JsonNode one = get("/api/v1/computers-inventory?section=GENERAL&filter=" + java.net.URLEncoder.encode("id==\"2\"", java.nio.charset.StandardCharsets.UTF_8), 200);
        assertEquals(1, one.get("totalCount").asInt());
        assertEquals("2", one.get("results").get(0).get("id").asText());
        get("/api/v1/computers-inventory/9", 404);
        get("/api/v1/computers-inventory?section=NETWORK", 400);
        get("/api/v1/computers-inventory?filter=" + java.net.URLEncoder.encode("general.deviceOwnershipType==\"Institutional\"", java.nio.charset.StandardCharsets.UTF_8), 400);
    }

    @Test
    void aMobileDeviceAppRecordLeavesMacsAloneAndEachMacsInventoryIsPushedAsComputerInventoryCompleted() {
        jamf.webhooks(JamfWebhooks.withHeader("X-Test", "secret"));
        String token = http.send("POST", jamf.baseUri().resolve("/api/oauth/token"), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + Simulators.JAMF_CLIENT_ID + "&client_secret=" + Simulators.JAMF_CLIENT_SECRET)
                .json().get("access_token").asText();
        assertEquals(201, http.send("POST", jamf.baseUri().resolve("/JSSResource/mobiledeviceapplications/id/0"), "application/xml",
                "<mobile_device_application><general><name>TikTok</name><bundle_id>com.zhiliaoapp.musically</bundle_id></general>"
                        + "<scope><all_mobile_devices>false</all_mobile_devices></scope></mobile_device_application>", "Authorization", "Bearer " + token).status());
        sims.clock().advance(Duration.ofHours(9));
        assertTrue(sims.world().device("aroha-mac").orElseThrow().apps().contains("com.zhiliaoapp.musically"), "an MDM cannot remove a Mac's user-installed app");

        List<JamfWebhooks.Delivery> sent = jamf.webhooksSent();
        List<JsonNode> computers = new ArrayList<>();
        for (JamfWebhooks.Delivery d : sent) {
            if (d.event().equals("ComputerInventoryCompleted")) computers.add(Json.parse(d.body()));
            assertTrue(!d.event().startsWith("Mobile") || !Json.parse(d.body()).path("event").has("alternateMacAddress"), d.body());
        }
        assertTrue(computers.size() >= 9 + 1 + 1, "the hourly Mac nine times, the others at least once: " + computers.size());
        JsonNode hourly = computers.stream().filter(c -> c.path("event").path("jssID").asInt() == 1).findFirst().orElseThrow();
        assertEquals("02:00:00:00:00:02", hourly.path("event").path("macAddress").asText());
        assertEquals("aroha@example.org", hourly.path("event").path("emailAddress").asText());
        assertTrue(hourly.path("webhook").path("eventTimestamp").isIntegralNumber());
    }

    @Test
    void aFleetFileMayGiveJamfMacsButNotJamfAndroids() {
        String android = FLEET.replace("\"platform\": \"macos\", \"model\": \"iMac\"", "\"platform\": \"android\", \"model\": \"Pixel\"");
        InvalidFleetException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidFleetException.class, () -> new FleetLoader().parse(android, "f"));
        assertTrue(e.getMessage().contains("iOS devices and macOS computers only"), e.getMessage());
    }
}
