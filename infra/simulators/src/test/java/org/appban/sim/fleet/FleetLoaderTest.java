package org.appban.sim.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetLoaderTest {
    private final FleetLoader loader = new FleetLoader();

    private static final String MEMBERS = """
            "members": [{"id": "m1", "name": "Tūhoe Te Rangi", "email": "t@example.org", "role": "member"}]""";

    private static String fleet(String devices, String rest) {
        return "{" + MEMBERS + ", \"devices\": [" + devices + "]" + (rest.isEmpty() ? "" : ", " + rest) + "}";
    }

    private static final String PHONE = """
            {"id": "d1", "owner": "m1", "ownership": "private", "platform": "ios", "supervised": false, "apps": ["x"], "mdm": "none", "mac": "aa-bb-cc-dd-ee-ff"}""";

    private String rejected(String json) {
        return assertThrows(InvalidFleetException.class, () -> loader.parse(json, "test-fleet.json")).getMessage();
    }

    @Test
    void theBundledSampleFleetLoadsAndCoversTheCases() {
        Fleet f = loader.bundled(FleetLoader.SAMPLE);
        assertTrue(f.members().size() >= 30, "a few dozen members");
        assertEquals(Instant.parse("2023-03-16T19:00:00Z"), f.startsAt());
        assertTrue(f.members().stream().anyMatch(m -> m.name().contains("Tūhoe")));
        assertTrue(f.members().stream().anyMatch(m -> m.name().contains("<b>&")));
        assertTrue(f.devices().stream().anyMatch(d -> d.mdm() == FleetDevice.Mdm.JAMF));
        assertTrue(f.devices().stream().anyMatch(d -> d.mac() == null && d.ownership() == FleetDevice.Ownership.PRIVATE));
        assertTrue(f.joinsLater("d14-corp-iphone-late-enrol"));
        assertEquals(2, f.devices().stream().filter(d -> "DA:A1:19:5E:00:01".equals(d.mac())).count());
        assertTrue(f.members().stream().anyMatch(m -> f.devices().stream().noneMatch(d -> d.owner().equals(m.id()))), "someone has no device");
        assertEquals(List.of("m17", "m25", "m10"), f.attestations().stream().map(FleetAttestation::member).toList(),
                "one attests after removing the app, one attests and keeps it, one attests after losing access");
    }

    @Test
    void macAddressesAreNormalisedToUpperCaseWithColons() {
        Fleet f = loader.parse(fleet(PHONE, ""), "test-fleet.json");
        assertEquals("AA:BB:CC:DD:EE:FF", f.devices().get(0).mac());
        assertNull(f.startsAt());
    }

    @Test
    void unknownFieldsAreRejectedWithTheirPathAndTheFile() {
        String msg = rejected(fleet(PHONE.replace("\"mdm\"", "\"colour\": \"red\", \"mdm\""), ""));
        assertTrue(msg.startsWith("test-fleet.json: "), msg);
        assertTrue(msg.contains("devices[0].colour: unknown field"), msg);
    }

    @Test
    void wrongTypesAndBadEnumValuesAreNamed() {
        String msg = rejected(fleet(PHONE.replace("\"supervised\": false", "\"supervised\": \"no\"").replace("\"ios\"", "\"symbian\""), ""));
        assertTrue(msg.contains("devices[0].supervised: must be true or false, found a string"), msg);
        assertTrue(msg.contains("devices[0].platform: 'symbian' is not one of ios, android, windows, macos, other"), msg);
    }

    @Test
    void danglingOwnersDuplicateIdsAndBadMacsAreAllReportedAtOnce() {
        String second = PHONE.replace("\"owner\": \"m1\"", "\"owner\": \"m9\"").replace("aa-bb-cc-dd-ee-ff", "not-a-mac");
        String msg = rejected(fleet(PHONE + "," + second, ""));
        assertTrue(msg.contains("devices[1].id: duplicate device id 'd1'"), msg);
        assertTrue(msg.contains("devices[1].owner: no member with id 'm9'"), msg);
        assertTrue(msg.contains("devices[1].mac: 'not-a-mac' is not a MAC address"), msg);
    }

    @Test
    void eventTimesMustCarryAnOffsetAndNameAKnownDevice() {
        String msg = rejected(fleet(PHONE, """
                "events": [{"at": "2023-03-31T09:00", "device": "d1", "action": "remove-app", "app": "x"},
                           {"at": "2023-03-31T09:00+13:00", "device": "d7", "action": "enroll"},
                           {"at": "2023-03-31T09:00+13:00", "device": "d1", "action": "install-app"}]"""));
        assertTrue(msg.contains("events[0].at: '2023-03-31T09:00' is not a date-time with an offset"), msg);
        assertTrue(msg.contains("events[1].device: no device with id 'd7'"), msg);
    }

    /** Files people write from the README: what the policy can fill in, and a flag that means nothing, are accepted. */
    @Test
    void anAppEventWithoutAnAppIsLeftToThePolicyAndFilledInForThePlatform() {
        Fleet f = loader.parse(fleet(PHONE.replace("\"mdm\": \"none\"", "\"mdm\": \"intune\""), """
                "events": [{"at": "2023-03-31T09:00+13:00", "device": "d1", "action": "remove-app"},
                           {"at": "2023-04-01T09:00+13:00", "device": "d1", "action": "install-app"}]"""), "f.json");
        assertNull(f.events().get(0).app(), "the file alone does not know the policy");
        Fleet resolved = f.forApp("TikTok", java.util.Map.of("ios", List.of("com.zhiliaoapp.musically", "com.ss.other")));
        assertEquals(List.of("com.zhiliaoapp.musically", "com.ss.other", "com.zhiliaoapp.musically"),
                resolved.events().stream().map(FleetEvent::app).toList(), "removal: every identifier of the platform; install: the first");
        assertEquals("TikTok", resolved.displayName("com.zhiliaoapp.musically"), "missing from the catalog: the policy's name");
        assertEquals("x", resolved.displayName("x"), "other apps keep their identifier");
    }

    @Test
    void anExemptionMayEndOnADayWhichEndsInTheZoneItIsReadIn() {
        Fleet f = loader.parse(fleet(PHONE, """
                "exemptions": [{"member": "m1", "reason": "r", "approvedBy": "a", "expires": "2023-06-30"},
                               {"member": "m1", "reason": "r", "approvedBy": "a", "expires": "2023-06-30T09:00+12:00"}]"""), "f.json");
        java.time.ZoneId nz = java.time.ZoneId.of("Pacific/Auckland");
        assertEquals(Instant.parse("2023-06-30T12:00:00Z"), f.exemptions().get(0).expiresIn(nz), "midnight after 30 June, NZST");
        assertEquals(Instant.parse("2023-06-29T21:00:00Z"), f.exemptions().get(1).expiresIn(nz));
        String msg = rejected(fleet(PHONE, """
                "exemptions": [{"member": "m1", "reason": "r", "approvedBy": "a", "expires": "30/06/2023"}]"""));
        assertTrue(msg.contains("exemptions[0].expires: '30/06/2023' is neither a date"), msg);
    }

    @Test
    void aSupervisedFlagOnAPlatformWithoutSupervisionIsIgnoredWithAWarning() {
        Fleet f = loader.parse(fleet(PHONE.replace("\"ios\"", "\"android\"").replace("\"supervised\": false", "\"supervised\": true"), ""), "f.json");
        assertEquals(false, f.devices().get(0).supervised());
        assertEquals(List.of("devices[0].supervised: ignored: only iOS devices are supervised, this one is android"), f.warnings());
    }

    @Test
    void exemptionsMustNameTheirMembersDevice() {
        String msg = rejected(fleet(PHONE, """
                "members2": 1, "exemptions": [{"member": "m1", "device": "d2", "reason": "r", "approvedBy": "a"},
                                              {"member": "m1", "reason": "r", "status": "maybe"}]"""));
        assertTrue(msg.contains("exemptions[0].device: no device with id 'd2'"), msg);
        assertTrue(msg.contains("exemptions[1].status: 'maybe' is not one of requested, granted, refused, revoked"), msg);
        assertTrue(msg.contains("members2: unknown field"), msg);
    }

    @Test
    void duplicateJsonKeysAndBrokenJsonAreRejected() {
        assertTrue(rejected("{\"members\": [], \"members\": []}").contains("duplicate key 'members'"));
        assertTrue(rejected("{\"members\": [").contains("not valid JSON"));
    }

    @Test
    void attestationsNameAMemberAndATimeAndComeInTimeOrder() {
        Fleet f = loader.parse(fleet(PHONE, """
                "attestations": [{"member": "m1", "at": "2023-04-10T12:05+12:00"}, {"member": "m1", "at": "2023-03-28T19:35+13:00"}]"""), "t.json");
        assertEquals(List.of(new FleetAttestation("m1", Instant.parse("2023-03-28T06:35:00Z")), new FleetAttestation("m1", Instant.parse("2023-04-10T00:05:00Z"))),
                f.attestations());
        assertEquals(1, f.attestationsBetween(Instant.parse("2023-03-28T06:35:00Z"), Instant.parse("2023-04-11T00:00:00Z")).size(), "after, until]");
        assertTrue(loader.parse(fleet(PHONE, ""), "t.json").attestations().isEmpty(), "optional");
    }

    @Test
    void attestationsAreReadStrictly() {
        String msg = rejected(fleet(PHONE, """
                "attestations": [{"member": "m9", "at": "2023-04-10T12:05"}, {"member": "m1", "at": "2023-04-10T12:05+12:00", "device": "d1"},
                                 {"member": "m1", "at": "2023-04-10T12:05+12:00"}, {"at": "2023-04-10T12:05+12:00"}]"""));
        assertTrue(msg.contains("attestations[0].member: no member with id 'm9'"), msg);
        assertTrue(msg.contains("attestations[0].at:"), msg);
        assertTrue(msg.contains("attestations[1].device: unknown field"), msg);
        assertTrue(msg.contains("attestations[2].at: member 'm1' attests twice"), msg);
        assertTrue(msg.contains("attestations[3].member: is required"), msg);
    }
}
