package org.appban.sim.jamf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.appban.sim.SimHttp;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.sim.http.Xml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JamfSimulatorTest {
    private final Simulators sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults()).start();
    private final JamfSimulator jamf = sims.jamf();
    private final SimHttp http = new SimHttp();

    @AfterEach
    void stop() {
        sims.close();
    }

    private String oauth() {
        var r = http.send("POST", jamf.baseUri().resolve("/api/oauth/token"), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + Simulators.JAMF_CLIENT_ID + "&client_secret=" + Simulators.JAMF_CLIENT_SECRET);
        assertEquals(200, r.status(), r.text());
        return r.json().get("access_token").asText();
    }

    @Test
    void basicTokensAreRenewedByKeepAliveWhichRetiresTheOldOne() {
        String basic = "Basic " + Base64.getEncoder().encodeToString((Simulators.JAMF_USER + ":" + Simulators.JAMF_PASSWORD).getBytes(StandardCharsets.UTF_8));
        String first = http.send("POST", jamf.baseUri().resolve("/api/v1/auth/token"), null, null, "Authorization", basic).json().get("token").asText();
        var renewed = http.send("POST", jamf.baseUri().resolve("/api/v1/auth/keep-alive"), null, null, "Authorization", "Bearer " + first);
        assertEquals(200, renewed.status());
        assertTrue(renewed.json().has("expires"));
        assertEquals(401, http.send("GET", jamf.baseUri().resolve("/api/v2/mobile-devices/detail"), null, null, "Authorization", "Bearer " + first).status());
    }

    @Test
    void inventoryPagesAndShowsAppsOfInstitutionalDevicesOnly() {
        String token = oauth();
        var r = http.send("GET", jamf.baseUri().resolve("/api/v2/mobile-devices/detail?section=GENERAL&section=APPLICATIONS&page=0&page-size=2"), null, null,
                "Authorization", "Bearer " + token);
        assertEquals(200, r.status(), r.text());
        assertEquals(6, r.json().get("totalCount").asInt());
        assertEquals(2, r.json().get("results").size());
        var all = http.send("GET", jamf.baseUri().resolve("/api/v2/mobile-devices/detail?section=GENERAL&section=APPLICATIONS&page-size=100"), null, null,
                "Authorization", "Bearer " + token).json().get("results");
        for (JsonNode d : all) {
            boolean institutional = d.get("general").get("deviceOwnershipType").asText().equals("Institutional");
            if (!institutional) assertEquals(0, d.get("applications").size());
        }
        for (String id : jamf.appListsDisclosed()) assertTrue(sims.world().device(id).orElseThrow().corporate());
        var filtered = http.send("GET", jamf.baseUri().resolve("/api/v2/mobile-devices/detail?section=GENERAL&filter=general.deviceOwnershipType%3D%3D%22Institutional%22"),
                null, null, "Authorization", "Bearer " + token);
        assertEquals(4, filtered.json().get("totalCount").asInt());
    }

    @Test
    void devicesOutsideAnAppRecordsScopeLoseTheAppAndAProfileBlocksReinstallOnSupervisedDevices() {
        String token = oauth();
        var supervised = sims.world().device("d29-jamf-iphone-supervised").orElseThrow();
        var r = http.send("POST", jamf.baseUri().resolve("/JSSResource/mobiledeviceapplications/id/0"), "application/xml",
                "<mobile_device_application><general><name>TikTok</name><bundle_id>com.zhiliaoapp.musically</bundle_id></general>"
                        + "<scope><all_mobile_devices>false</all_mobile_devices></scope></mobile_device_application>", "Authorization", "Bearer " + token);
        assertEquals(201, r.status(), r.text());
        assertTrue(Xml.text(Xml.parse(r.text()), "id") != null);
        String plist = "<plist><dict><key>PayloadContent</key><array><dict><key>PayloadType</key><string>com.apple.applicationaccess</string>"
                + "<key>blockedAppBundleIDs</key><array><string>com.zhiliaoapp.musically</string></array></dict></array></dict></plist>";
        var p = http.send("POST", jamf.baseUri().resolve("/JSSResource/mobiledeviceconfigurationprofiles/id/0"), "application/xml",
                "<configuration_profile><general><name>Block TikTok</name><payloads>" + Xml.escape(plist) + "</payloads></general>"
                        + "<scope><all_mobile_devices>true</all_mobile_devices></scope></configuration_profile>", "Authorization", "Bearer " + token);
        assertEquals(201, p.status(), p.text());
        assertEquals(201, http.send("POST", jamf.baseUri().resolve("/JSSResource/mobiledevicecommands/command/UpdateInventory/id/" + supervised.jamfId()),
                null, null, "Authorization", "Bearer " + token).status());
        assertFalse(supervised.apps().contains("com.zhiliaoapp.musically"));
        sims.clock().set(Instant.parse("2023-04-03T00:00:00Z"));
        assertTrue(sims.world().history().stream().anyMatch(e -> e.device().equals(supervised.id()) && e.what().equals("app-install-blocked")));
        assertTrue(sims.world().device("d30-jamf-iphone-unsupervised").orElseThrow().apps().contains("com.zhiliaoapp.musically"));
    }
}
