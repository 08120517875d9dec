package org.appban.sim.intune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.appban.sim.SimHttp;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.Fault;
import org.appban.sim.http.SimSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IntuneSimulatorTest {
    private static final String TIKTOK = "com.zhiliaoapp.musically";
    private Simulators sims;
    private IntuneSimulator intune;
    private final SimHttp http = new SimHttp();
    private String token;

    @BeforeEach
    void start() {
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults()).start();
        intune = sims.intune();
        token = token();
    }

    @AfterEach
    void stop() {
        sims.close();
    }

    private String token() {
        var r = http.send("POST", intune.baseUri().resolve("/" + Simulators.TENANT + "/oauth2/v2.0/token"), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + Simulators.GRAPH_CLIENT_ID + "&client_secret=" + Simulators.GRAPH_CLIENT_SECRET
                        + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
        assertEquals(200, r.status(), r.text());
        assertEquals(3600, r.json().get("expires_in").asInt());
        return r.json().get("access_token").asText();
    }

    private SimHttp.Reply get(String pathOrUrl) {
        URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : intune.baseUri().resolve(pathOrUrl);
        return http.send("GET", uri, null, null, "Authorization", "Bearer " + token);
    }

    private SimHttp.Reply post(String path, String json) {
        return http.send("POST", intune.baseUri().resolve(path), "application/json", json, "Authorization", "Bearer " + token);
    }

    private List<JsonNode> all(String path) {
        List<JsonNode> out = new ArrayList<>();
        String next = path;
        while (next != null) {
            var r = get(next);
            assertEquals(200, r.status(), r.text());
            r.json().get("value").forEach(out::add);
            next = r.json().has("@odata.nextLink") ? r.json().get("@odata.nextLink").asText() : null;
        }
        return out;
    }

    @Test
    void managedDevicesArePagedWithNextLinksIncludingEmptyPages() {
        intune.emptyPages(true);
        var first = get("/v1.0/deviceManagement/managedDevices?$top=5");
        assertEquals(5, first.json().get("value").size());
        var second = get(first.json().get("@odata.nextLink").asText());
        assertEquals(0, second.json().get("value").size(), "an empty page that still links on");
        assertNotNull(second.json().get("@odata.nextLink"));
        List<JsonNode> devices = all("/v1.0/deviceManagement/managedDevices?$top=5");
        long enrolledAtStart = sims.world().devices().stream().filter(d -> d.enrolledIn(org.appban.sim.fleet.FleetDevice.Mdm.INTUNE)).count();
        assertEquals(enrolledAtStart, devices.size());
        JsonNode personal = devices.stream().filter(d -> d.get("managedDeviceOwnerType").asText().equals("personal")).findFirst().orElseThrow();
        assertTrue(personal.has("complianceState"));
    }

    @Test
    void detectedAppsComeFromCorporateDevicesOnly() {
        List<JsonNode> apps = all("/v1.0/deviceManagement/detectedApps");
        JsonNode tiktokIos = apps.stream().filter(a -> a.get("displayName").asText().equals("TikTok") && a.get("platform").asText().equals("ios")).findFirst().orElseThrow();
        List<JsonNode> holders = all("/v1.0/deviceManagement/detectedApps/" + tiktokIos.get("id").asText() + "/managedDevices");
        assertFalse(holders.isEmpty());
        for (String id : intune.appListsDisclosed()) assertTrue(sims.world().device(id).orElseThrow().corporate(), id);
        var personal = sims.world().device("d07-private-iphone").orElseThrow();
        assertTrue(holders.stream().noneMatch(h -> h.get("id").asText().equals(personal.intuneId())));
        assertEquals(0, get("/beta/deviceManagement/managedDevices/" + personal.intuneId() + "/detectedApps").json().get("value").size());
    }

    @Test
    void anUninstallAssignmentRemovesTheAppAtTheDevicesNextCheckInExceptForExcludedDevices() {
        var target = sims.world().device("d01-corp-iphone").orElseThrow();
        var excluded = sims.world().device("d15-corp-iphone-exempt").orElseThrow();
        var unsupervised = sims.world().device("d02-corp-iphone-unsupervised").orElseThrow();
        String app = post("/v1.0/deviceAppManagement/mobileApps", """
                {"@odata.type": "#microsoft.graph.iosStoreApp", "displayName": "TikTok", "publisher": "TikTok Pte. Ltd.",
                 "bundleId": "com.zhiliaoapp.musically", "appStoreUrl": "https://apps.apple.com/app/id835599320"}""").json().get("id").asText();
        String all = group("ban"), exempt = group("ban-exempt");
        for (var d : List.of(target, excluded, unsupervised)) addMember(all, d.entraObjectId());
        addMember(exempt, excluded.entraObjectId());
        var assigned = post("/v1.0/deviceAppManagement/mobileApps/" + app + "/assign", """
                {"mobileAppAssignments": [
                  {"@odata.type": "#microsoft.graph.mobileAppAssignment", "intent": "uninstall", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "%s"}},
                  {"@odata.type": "#microsoft.graph.mobileAppAssignment", "intent": "uninstall", "target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "%s"}}]}"""
                .formatted(all, exempt));
        assertEquals(204, assigned.status(), assigned.text());
        assertTrue(target.apps().contains(TIKTOK), "nothing happens before the check-in");
        assertEquals(204, post("/v1.0/deviceManagement/managedDevices/" + target.intuneId() + "/syncDevice", "").status());
        assertFalse(target.apps().contains(TIKTOK));
        sims.clock().advance(Duration.ofHours(9));
        assertTrue(excluded.apps().contains(TIKTOK), "the exclusion group keeps it");
        assertTrue(unsupervised.apps().contains(TIKTOK), "a user-installed copy on an unsupervised iPhone is out of reach");
        assertTrue(sims.world().history().stream().anyMatch(e -> e.device().equals(unsupervised.id()) && e.what().equals("app-uninstall-failed")));
    }

    @Test
    void aRestrictionsProfileBlocksReinstallOnSupervisedIphonesOnly() {
        String plist = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict><key>PayloadContent</key><array><dict>
                <key>PayloadType</key><string>com.apple.applicationaccess</string>
                <key>blockedAppBundleIDs</key><array><string>com.zhiliaoapp.musically</string></array>
                </dict></array><key>PayloadType</key><string>Configuration</string></dict></plist>""";
        String cfg = post("/v1.0/deviceManagement/deviceConfigurations", """
                {"@odata.type": "#microsoft.graph.iosCustomConfiguration", "displayName": "Block TikTok", "payloadName": "Block TikTok",
                 "payloadFileName": "block.mobileconfig", "payload": "%s"}""".formatted(Base64.getEncoder().encodeToString(plist.getBytes()))).json().get("id").asText();
        assertEquals(200, post("/v1.0/deviceManagement/deviceConfigurations/" + cfg + "/assign",
                "{\"assignments\": [{\"target\": {\"@odata.type\": \"#microsoft.graph.allDevicesAssignmentTarget\"}}]}").status());
        sims.world().device("d13-corp-iphone-reinstaller").orElseThrow();
        sims.clock().set(java.time.Instant.parse("2023-04-03T00:00:00Z"));
        var blocked = sims.world().history().stream().filter(e -> e.what().equals("app-install-blocked")).map(e -> e.device()).toList();
        assertEquals(List.of("d13-corp-iphone-reinstaller"), blocked);
        assertTrue(sims.world().history().stream().anyMatch(e -> e.device().equals("d02-corp-iphone-unsupervised") && e.what().equals("app-installed-by-owner")));
    }

    @Test
    void aCompliancePolicyWithRestrictedAppsMarksPersonalDevicesNoncompliantAtCheckIn() {
        String policy = post("/v1.0/deviceManagement/deviceCompliancePolicies", """
                {"@odata.type": "#microsoft.graph.iosCompliancePolicy", "displayName": "No TikTok",
                 "restrictedApps": [{"@odata.type": "#microsoft.graph.appListItem", "name": "TikTok", "appId": "com.zhiliaoapp.musically"}],
                 "scheduledActionsForRule": [{"ruleName": "PasswordRequired", "scheduledActionConfigurations": [{"actionType": "block", "gracePeriodHours": 0}]}]}""")
                .json().get("id").asText();
        post("/v1.0/deviceManagement/deviceCompliancePolicies/" + policy + "/assign", "{\"assignments\": [{\"target\": {\"@odata.type\": \"#microsoft.graph.allDevicesAssignmentTarget\"}}]}");
        var clean = sims.world().device("d34-private-iphone").orElseThrow();
        var dirty = sims.world().device("d20-private-iphone-exempt-expiring").orElseThrow();
        post("/v1.0/deviceManagement/managedDevices/" + dirty.intuneId() + "/syncDevice", "");
        post("/v1.0/deviceManagement/managedDevices/" + clean.intuneId() + "/syncDevice", "");
        assertEquals("noncompliant", dirty.compliance());
        assertEquals("compliant", clean.compliance());
        assertTrue(intune.appListsDisclosed().stream().noneMatch(id -> id.equals(dirty.id())));
    }

    @Test
    void aBatchHoldsAtMostTwentyRequestsAndThrottlesEachInnerRequestOnItsOwn() {
        StringBuilder many = new StringBuilder("{\"requests\": [");
        for (int i = 0; i < 21; i++) many.append(i == 0 ? "" : ",").append("{\"id\": \"").append(i).append("\", \"method\": \"GET\", \"url\": \"/deviceManagement/managedDevices?$top=1\"}");
        assertEquals(400, post("/v1.0/$batch", many + "]}").status());
        intune.faults().next(Fault.throttle(7), r -> r.inner() && r.path().endsWith("/syncDevice"));
        var d = sims.world().device("d01-corp-iphone").orElseThrow();
        var r = post("/v1.0/$batch", """
                {"requests": [{"id": "1", "method": "POST", "url": "/deviceManagement/managedDevices/%s/syncDevice"},
                              {"id": "2", "method": "GET", "url": "/deviceManagement/managedDevices/%s"}]}""".formatted(d.intuneId(), d.intuneId()));
        assertEquals(200, r.status());
        JsonNode first = r.json().get("responses").get(0);
        assertEquals(429, first.get("status").asInt());
        assertEquals("7", first.get("headers").get("Retry-After").asText());
        assertEquals(200, r.json().get("responses").get(1).get("status").asInt());
        assertEquals(2, intune.requests().count(q -> q.inner()));
    }

    @Test
    void theWriteBudgetRunsOutAndComesBackWith429AndRetryAfter() {
        sims.close();
        sims = Simulators.of(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults().budgetScale(0.01)).start();
        intune = sims.intune();
        token = token();
        var d = sims.world().device("d01-corp-iphone").orElseThrow();
        int ok = 0;
        SimHttp.Reply last = null;
        for (int i = 0; i < 3; i++) {
            last = post("/v1.0/deviceManagement/managedDevices/" + d.intuneId() + "/syncDevice", "");
            if (last.status() == 204) ok++;
        }
        assertEquals(2, ok, "200 writes per 20 s, scaled by 0.01");
        assertEquals(429, last.status());
        assertNotNull(last.header("Retry-After"));
    }

    @Test
    void anExpiredTokenGets401InvalidAuthenticationToken() {
        intune.expireTokensNow();
        var r = get("/v1.0/deviceManagement/managedDevices");
        assertEquals(401, r.status());
        assertEquals("InvalidAuthenticationToken", r.json().get("error").get("code").asText());
        token = token();
        sims.clock().advance(Duration.ofMinutes(61));
        assertEquals(401, get("/v1.0/deviceManagement/managedDevices").status(), "tokens live an hour of simulated time");
        assertNull(null);
    }

    @Test
    void everyRequestIsLogged() {
        get("/v1.0/deviceManagement/managedDevices?$top=2");
        var last = intune.requests().all().get(intune.requests().all().size() - 1);
        assertEquals("GET", last.method());
        assertEquals("/v1.0/deviceManagement/managedDevices", last.path());
        assertEquals("$top=2", last.query());
        assertEquals(200, last.status());
    }

    private String group(String name) {
        return post("/v1.0/groups", "{\"displayName\": \"" + name + "\", \"mailEnabled\": false, \"mailNickname\": \"" + name + "\", \"securityEnabled\": true}").json().get("id").asText();
    }

    private void addMember(String group, String objectId) {
        var r = post("/v1.0/groups/" + group + "/members/$ref", "{\"@odata.id\": \"https://graph.microsoft.com/v1.0/directoryObjects/" + objectId + "\"}");
        assertEquals(204, r.status(), r.text());
    }
}
