package org.appban.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.appban.json.Json;
import org.appban.mail.EmlReader;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ban holds on corporate Macs managed by Jamf Pro. The policy names the app for macOS too; two corporate Macs carry
 * it (no MDM command removes an app a Mac's user installed): Hemi's, whose member never removes it, and Kiri's, whose
 * member removes it on 10 April. Jamf inventories them as computers and pushes each Mac's inventory
 * (ComputerInventoryCompleted); the system treats them as it treats every corporate device its MDM cannot clean: the
 * overdue notice saying the member must remove it, an escalation, quarantine after the grace period, release once the
 * inventory no longer lists it. A clean Mac and three other clean devices complete the fleet, so the two quarantines
 * stay within the policy's blast-radius share.
 */
class JamfMacBanRehearsalIT {
    private static final Instant REMOVED_AT = OffsetDateTime.parse("2023-04-10T12:05+12:00").toInstant();
    private static final String FLEET = """
            {
              "name": "corporate Macs in Jamf Pro",
              "startsAt": "2023-03-17T08:00+13:00",
              "catalog": [{"identifier": "com.zhiliaoapp.musically", "name": "TikTok", "publisher": "TikTok Pte. Ltd."}],
              "members": [
                {"id": "m40", "name": "Hemi Walker", "email": "hemi.walker@parliament.govt.nz", "role": "staff"},
                {"id": "m41", "name": "Kiri Manu", "email": "kiri.manu@parliament.govt.nz", "role": "staff"},
                {"id": "m42", "name": "Lena Fox", "email": "lena.fox@parliament.govt.nz", "role": "staff"},
                {"id": "m43", "name": "Moana Rēti", "email": "moana.reti@parliament.govt.nz", "role": "member"},
                {"id": "m44", "name": "Nico Ward", "email": "nico.ward@parliament.govt.nz", "role": "staff"}
              ],
              "devices": [
                {"id": "hemi-mac", "owner": "m40", "ownership": "corporate", "platform": "macos", "model": "MacBook Pro",
                 "supervised": false, "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:AC:00:00:00:40"},
                {"id": "kiri-mac", "owner": "m41", "ownership": "corporate", "platform": "macos", "model": "MacBook Air",
                 "supervised": false, "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:AC:00:00:00:41", "checkInHours": 0.5},
                {"id": "lena-mac", "owner": "m42", "ownership": "corporate", "platform": "macos", "model": "iMac",
                 "supervised": false, "apps": [], "mdm": "jamf", "mac": "02:AC:00:00:00:42"},
                {"id": "lena-iphone", "owner": "m42", "ownership": "corporate", "platform": "ios", "model": "iPhone 15",
                 "supervised": true, "apps": [], "mdm": "jamf", "mac": "02:AC:00:00:00:52"},
                {"id": "moana-android", "owner": "m43", "ownership": "corporate", "platform": "android", "model": "Pixel 7",
                 "supervised": false, "apps": [], "mdm": "intune", "mac": "02:AC:00:00:00:43", "compliance": "compliant"},
                {"id": "nico-iphone", "owner": "m44", "ownership": "private", "platform": "ios", "model": "iPhone 11",
                 "supervised": false, "apps": [], "mdm": "intune", "mac": "02:AC:00:00:00:44", "compliance": "compliant"}
              ],
              "events": [
                {"at": "2023-04-10T12:05+12:00", "device": "kiri-mac", "action": "remove-app"}
              ]
            }
            """;

    @TempDir
    static Path dir;
    static BanPolicy policy;
    static JsonNode report;
    static List<JsonNode> ledger;

    @BeforeAll
    static void rehearse() throws Exception {
        policy = policyNamingTheAppOnMacs();
        Fleet fleet = new FleetLoader().parse(FLEET, "corporate Macs in Jamf Pro");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new Rehearsal(new Rehearsal.Options(policy, fleet, dir.resolve("out"), policy.deadlineInZone().plusDays(14).toInstant()),
                new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        report = Json.parse(dir.resolve("out").resolve("report.json"));
        ledger = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("out").resolve("ledger.jsonl"), StandardCharsets.UTF_8)) ledger.add(Json.parse(line));
    }

    /** The bundled policy, naming the app on macOS as a policy does: an identifier list under {@code macos}. */
    static BanPolicy policyNamingTheAppOnMacs() throws Exception {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String withMacs = json.replace("\"ios\": [\"com.zhiliaoapp.musically\"],", "\"ios\": [\"com.zhiliaoapp.musically\"],\n      \"macos\": [\"com.zhiliaoapp.musically\"],");
            assertTrue(!withMacs.equals(json), "the bundled policy's identifiers changed shape: update this test");
            return new PolicyLoader().parse(withMacs, "bundled policy naming macOS");
        }
    }

    @Test
    void theMacsAreInventoriedAsJamfComputers() {
        assertTrue(ledger.stream().anyMatch(e -> "jamf:computer-1".equals(e.path("device").asText())), "Hemi's Mac is Jamf computer 1");
        assertTrue(ledger.stream().anyMatch(e -> "jamf:1".equals(e.path("device").asText())), "and Lena's iPhone Jamf mobile device 1");
    }

    @Test
    void itsMemberGetsTheOverdueNoticeSayingTheyMustRemoveTheAppThemselves() throws Exception {
        for (String member : List.of("m40", "m41")) {
            JsonNode overdue = email(member, "overdue");
            assertNotNull(overdue, member + " got no overdue notice");
            String text = EmlReader.read(Files.readAllBytes(dir.resolve("out").resolve(overdue.path("file").asText()))).text();
            assertTrue(text.contains("You must remove it yourself"), text);
            assertTrue(text.contains("MacBook"), "the notice names the Mac: " + text);
        }
        assertEquals(null, email("m42", "overdue"), "nothing on Lena's devices");
    }

    @Test
    void itIsEscalatedToTheAdministratorsAndItsMemberOnce() {
        for (String member : List.of("m40", "m41")) {
            assertEquals(1, actions("enforce.escalated", member).size(), member + ": " + actions("enforce.escalated", member));
            assertNotNull(email(member, "removal-escalated"), member + " was not told");
        }
    }

    @Test
    void noMdmCommandIsEverSentForAMac() {
        for (JsonNode e : ledger) {
            if (e.path("device").asText().startsWith("jamf:computer-")) {
                assertTrue(!e.path("action").asText().equals("mdm.sync-requested") && !e.path("action").asText().equals("enforce.removal-started"), e.toString());
            }
        }
    }

    @Test
    void aMacLosesNetworkAccessAfterTheGracePeriodAndGetsItBackWithinTheHourAfterTheAppIsRemoved() {
        JsonNode quarantined = actions("nac.quarantined", "m41").get(0);
        assertTrue(!at(quarantined).isBefore(policy.privateGraceEnds()), quarantined.toString());
        assertTrue(at(quarantined).isBefore(policy.privateGraceEnds().plus(Duration.ofDays(1))), "on the first run after the grace: " + quarantined);
        assertNotNull(email("m41", "access-revoked"));

        JsonNode released = actions("nac.released", "m41").get(0);
        assertTrue(at(released).isAfter(REMOVED_AT) && !at(released).isAfter(REMOVED_AT.plus(Duration.ofHours(1))),
                "released within the hour after the removal at " + REMOVED_AT + ": " + released);
        assertNotNull(email("m41", "access-restored"));
        assertEquals("allowed", device("kiri-mac").path("networkAccess").asText());
    }

    @Test
    void aMacWhoseMemberNeverRemovesItStaysOffTheNetwork() {
        assertEquals(1, actions("nac.quarantined", "m40").size());
        assertTrue(actions("nac.released", "m40").isEmpty());
        assertEquals("quarantined", device("hemi-mac").path("networkAccess").asText());
        assertTrue(device("hemi-mac").path("hasApp").asBoolean());
        assertTrue(actions("nac.quarantined", "m42").isEmpty(), "a clean Mac keeps its access");
    }

    /** Jamf Pro pushes each Mac's inventory (ComputerInventoryCompleted) and it re-evaluates that computer at once. */
    @Test
    void aMacsRemovalArrivesByTheComputerInventoryWebhook() {
        JsonNode gone = ledger.stream().filter(e -> e.path("member").asText().equals("m41") && e.path("action").asText().equals("inventory.app-disappeared"))
                .findFirst().orElseThrow(() -> new AssertionError("Kiri's Mac never lost the app in the inventory"));
        assertTrue(gone.path("actor").asText().startsWith("jamf-webhook:ComputerInventoryCompleted:"), gone.toString());
        assertTrue(ledger.stream().noneMatch(e -> e.path("action").asText().equals("jamf-webhook.refused")), "nothing of Jamf's own was refused");
    }

    @Test
    void theStatusPageShowsTheMacsApart() throws Exception {
        String html = Files.readString(dir.resolve("out").resolve("status.html"), StandardCharsets.UTF_8);
        assertTrue(Pattern.compile("state-member-must-remove\">member-must-remove</span> MacBook Pro \\(macOS, corporate\\) <code>jamf:computer-1</code>").matcher(html).find(),
                "Hemi's Mac is shown as one its member must clean");
        assertTrue(html.contains("<code>jamf:computer-1</code> <span class=\"badge access-quarantined\">"), "and its network access");
    }

    private static JsonNode email(String member, String kind) {
        return ReportReading.email(report, member, kind);
    }

    private static List<JsonNode> actions(String kind, String member) {
        return ReportReading.actions(report, kind, member);
    }

    private static JsonNode device(String id) {
        return ReportReading.device(report, id);
    }

    private static Instant at(JsonNode action) {
        return ReportReading.at(action);
    }
}
