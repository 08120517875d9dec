package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.json.Json;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.CannedTransport;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * A MAC is parsed where it enters, in the MDM adapter. One the MDM writes wrong is reported naming the device, and
 * costs nothing else: the device is inventoried without a MAC (network access then says it has no usable address,
 * as for any device without one), and every other device of the listing is synced as usual. The MDMs' answers here
 * are canned (the simulators' fleet file cannot hold a malformed MAC: their loader refuses it).
 */
class MalformedMacFromAnMdmTest {
    private static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private static final URI BASE = URI.create("http://mdm.invalid");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2023-03-20T00:00:00Z"), ZoneOffset.UTC);
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();

    MalformedMacFromAnMdmTest() {
        members.save(Member.active("m1", "Ana", "ana@example.org", Role.parse("member").orElseThrow()));
    }

    private SyncReport sync(FleetInventory mdm) {
        return new InventorySync(POLICY, List.of(mdm), members, devices, new RecordedDeviceEvents(), new InMemoryLedger(), CLOCK)
                .run(Actor.schedule("inventory-hourly"), false);
    }

    private static ObjectNode intuneDevice(String id, String mac) {
        return Json.object().put("id", id).put("managedDeviceOwnerType", "personal").put("operatingSystem", "iOS")
                .put("emailAddress", "ana@example.org").put("model", "iPhone").put("wiFiMacAddress", mac)
                .put("complianceState", "compliant").put("lastSyncDateTime", "2023-03-19T00:00:00Z");
    }

    private static FleetInventory intune(ObjectNode... listed) {
        var answers = new CannedTransport()
                .on("POST", "/oauth2/v2.0/token", "{\"access_token\":\"t\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                .on("GET", "/deviceManagement/detectedApps", Json.write(Json.object().set("value", Json.array())))
                .on("GET", "/deviceManagement/managedDevices", Json.write(Json.object().put("@odata.count", listed.length)
                        .set("value", Json.array().addAll(List.of(listed)))));
        var options = RemoteOptions.standard(CLOCK).withTransport(answers);
        return new IntuneGraphInventory(new IntuneGraphClient(new IntuneConnection(BASE, BASE, "tenant", "client", new Secret("s")), options));
    }

    private static FleetInventory jamf(String id, String mac) {
        ObjectNode device = Json.object().put("mobileDeviceId", id);
        device.putObject("general").put("deviceOwnershipType", "Personal").put("lastInventoryUpdateDate", "2023-03-19T00:00:00Z");
        device.putObject("hardware").put("model", "iPhone").put("wifiMacAddress", mac);
        device.putObject("userAndLocation").put("emailAddress", "ana@example.org");
        var answers = new CannedTransport()
                .on("POST", "/api/oauth/token", "{\"access_token\":\"t\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                .on("GET", "/api/v2/mobile-devices/detail", Json.write(Json.object().put("totalCount", 1).set("results", Json.array().add(device))))
                .on("GET", "/api/v1/computers-inventory", Json.write(Json.object().put("totalCount", 0).set("results", Json.array())));
        return new JamfProInventory(new JamfProClient(JamfConnection.apiClient(BASE, "client", new Secret("s")), RemoteOptions.standard(CLOCK).withTransport(answers)));
    }

    private static FleetInventory jamfMac(String id, String mac, String altMac) {
        ObjectNode computer = Json.object().put("id", id);
        computer.putObject("general").put("name", "Ana's Mac").put("reportDate", "2023-03-19T00:00:00Z");
        computer.putObject("hardware").put("model", "MacBook Air").put("macAddress", mac).put("altMacAddress", altMac);
        computer.putObject("userAndLocation").put("email", "ana@example.org");
        computer.putArray("applications");
        var answers = new CannedTransport()
                .on("POST", "/api/oauth/token", "{\"access_token\":\"t\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                .on("GET", "/api/v2/mobile-devices/detail", Json.write(Json.object().put("totalCount", 0).set("results", Json.array())))
                .on("GET", "/api/v1/computers-inventory", Json.write(Json.object().put("totalCount", 1).set("results", Json.array().add(computer))));
        return new JamfProInventory(new JamfProClient(JamfConnection.apiClient(BASE, "client", new Secret("s")), RemoteOptions.standard(CLOCK).withTransport(answers)));
    }

    @Test
    void aMalformedMacFromAJamfMacIsReportedNamingTheComputer_andItsOtherInterfaceIsNotGuessedAt() {
        SyncReport report = sync(jamfMac("3", "60:03:08", "02:AB:00:00:00:1E"));
        assertEquals(1, report.badInput().size(), report.toString());
        assertTrue(report.badInput().get(0).startsWith("jamf device computer-3: hardware.macAddress: '60:03:08' is not a MAC address"), report.toString());
        assertNull(devices.find("jamf:computer-3").orElseThrow().macAddress(), "the primary interface's MAC is wrong: no MAC, not the other one");
    }

    @Test
    void aJamfMacWithoutAPrimaryMacIsKnownByItsOtherInterfaces() {
        SyncReport report = sync(jamfMac("4", null, "02:ab:00:00:00:1f"));
        assertEquals(List.of(), report.badInput());
        assertEquals(MacAddress.parse("02:AB:00:00:00:1F"), devices.find("jamf:computer-4").orElseThrow().macAddress());
    }

    @Test
    void intunesTwelveDigitsAreParsedIntoTheOneNormalForm() {
        SyncReport report = sync(intune(intuneDevice("good", "02ab0000001d")));
        assertEquals(List.of(), report.badInput());
        assertEquals(MacAddress.parse("02:AB:00:00:00:1D"), devices.find("intune:good").orElseThrow().macAddress());
    }

    @Test
    void aMalformedMacFromIntuneIsReportedNamingTheDevice_andTheDeviceAndItsNeighboursAreKept() {
        SyncReport report = sync(intune(intuneDevice("bad", "zz"), intuneDevice("good", "02ab0000001d")));
        assertEquals(List.of("intune device bad: wiFiMacAddress: 'zz' is not a MAC address (twelve hex digits: AA:BB:CC:DD:EE:FF, "
                + "AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF or AABBCCDDEEFF)"), report.badInput());
        assertEquals("synced", report.status(), "bad input in one field is not a failed listing");
        Device bad = devices.find("intune:bad").orElseThrow();
        assertNull(bad.macAddress());
        assertEquals("m1", bad.owner());
        assertEquals("iPhone", bad.model());
        assertEquals(MacAddress.parse("02:AB:00:00:00:1D"), devices.find("intune:good").orElseThrow().macAddress());
    }

    @Test
    void aMalformedMacFromJamfIsReportedNamingTheDevice_whereItUsedToBeStoredAsGiven() {
        SyncReport report = sync(jamf("7", "02:AB:00:00:00"));
        assertEquals(1, report.badInput().size(), report.toString());
        assertTrue(report.badInput().get(0).startsWith("jamf device 7: hardware.wifiMacAddress: '02:AB:00:00:00' is not a MAC address"), report.toString());
        assertNull(devices.find("jamf:7").orElseThrow().macAddress());
    }

    @Test
    void aDeviceWithoutAMacIsNotBadInput() {
        SyncReport report = sync(intune(intuneDevice("none", "")));
        assertEquals(List.of(), report.badInput());
        assertNull(devices.find("intune:none").orElseThrow().macAddress());
    }

    @Test
    void jamfsColonFormAndAnyCaseAreTheSameAddressAsIntunes() {
        sync(jamf("8", "02:ab:00:00:00:1d"));
        assertEquals(MacAddress.parse("02ab0000001d"), devices.find("jamf:8").orElseThrow().macAddress());
    }
}
