package org.appban.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
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
 * The ban holds on a corporate device the MDM cannot clean. Two unsupervised corporate iPhones carry the app (an MDM
 * can neither remove nor block an app the user installed there): Ben's, in Intune, whose member keeps the app past
 * the grace period and removes it on 10 April; Anaru's, in Jamf Pro, whose member never does. Both are corporate,
 * so nobody can attest for them: the inventory is the evidence. A supervised iPhone (cleaned by its MDM) and two
 * clean devices complete the fleet, so the two quarantines stay within the policy's blast-radius share.
 */
class CorporateDeviceBanRehearsalIT {
    private static final Instant REMOVED_AT = OffsetDateTime.parse("2023-04-10T12:05+12:00").toInstant();
    private static final String FLEET = """
            {
              "name": "two unsupervised corporate iPhones",
              "startsAt": "2023-03-17T08:00+13:00",
              "catalog": [{"identifier": "com.zhiliaoapp.musically", "name": "TikTok", "publisher": "TikTok Pte. Ltd."}],
              "members": [
                {"id": "m02", "name": "Ben Carter", "email": "ben.carter@parliament.govt.nz", "role": "staff"},
                {"id": "m30", "name": "Anaru Poutama", "email": "anaru.poutama@parliament.govt.nz", "role": "staff"},
                {"id": "m31", "name": "Bella Nguyen", "email": "bella.nguyen@parliament.govt.nz", "role": "staff"},
                {"id": "m32", "name": "Callum Reid", "email": "callum.reid@parliament.govt.nz", "role": "member"},
                {"id": "m33", "name": "Dana Whaanga", "email": "dana.whaanga@parliament.govt.nz", "role": "staff"}
              ],
              "devices": [
                {"id": "ben-iphone", "owner": "m02", "ownership": "corporate", "platform": "ios", "model": "iPhone 12",
                 "supervised": false, "apps": ["com.zhiliaoapp.musically"], "mdm": "intune", "mac": "02:AB:00:00:01:02",
                 "compliance": "compliant", "checkInHours": 0.5},
                {"id": "anaru-iphone", "owner": "m30", "ownership": "corporate", "platform": "ios", "model": "iPhone 13",
                 "supervised": false, "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:AB:00:00:01:30"},
                {"id": "bella-iphone", "owner": "m31", "ownership": "corporate", "platform": "ios", "model": "iPhone 15",
                 "supervised": true, "apps": ["com.zhiliaoapp.musically"], "mdm": "jamf", "mac": "02:AB:00:00:01:31"},
                {"id": "callum-android", "owner": "m32", "ownership": "corporate", "platform": "android", "model": "Pixel 7",
                 "supervised": false, "apps": [], "mdm": "intune", "mac": "02:AB:00:00:01:32", "compliance": "compliant"},
                {"id": "dana-iphone", "owner": "m33", "ownership": "private", "platform": "ios", "model": "iPhone 11",
                 "supervised": false, "apps": [], "mdm": "intune", "mac": "02:AB:00:00:01:33", "compliance": "compliant"}
              ],
              "events": [
                {"at": "2023-04-10T12:05+12:00", "device": "ben-iphone", "action": "remove-app", "app": "com.zhiliaoapp.musically"}
              ]
            }
            """;

    @TempDir
    static Path dir;
    static BanPolicy policy;
    static JsonNode report;
    static String timeline;

    @BeforeAll
    static void rehearse() throws Exception {
        policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Fleet fleet = new FleetLoader().parse(FLEET, "two unsupervised corporate iPhones");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new Rehearsal(new Rehearsal.Options(policy, fleet, dir.resolve("out"), policy.deadlineInZone().plusDays(14).toInstant()),
                new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        timeline = printed.toString(StandardCharsets.UTF_8);
        report = Json.parse(dir.resolve("out").resolve("report.json"));
    }

    @Test
    void its_member_gets_the_overdue_notice_saying_they_must_remove_the_app_themselves() throws Exception {
        for (String member : List.of("m02", "m30")) {
            JsonNode overdue = email(member, "overdue");
            assertNotNull(overdue, member + " got no overdue notice");
            String text = EmlReader.read(Files.readAllBytes(dir.resolve("out").resolve(overdue.path("file").asText()))).text();
            assertTrue(text.contains("You must remove it yourself"), text);
        }
        assertEquals(null, email("m31", "overdue"), "the supervised iPhone is cleaned by its MDM: nothing for its member to do");
    }

    @Test
    void it_is_escalated_to_the_administrators_and_its_member_once() {
        for (String member : List.of("m02", "m30")) {
            assertEquals(1, actions("enforce.escalated", member).size(), member + ": " + actions("enforce.escalated", member));
            assertNotNull(email(member, "removal-escalated"), member + " was not told");
        }
    }

    @Test
    void it_loses_network_access_after_the_grace_period_and_gets_it_back_within_the_hour_after_the_app_is_removed() {
        JsonNode quarantined = actions("nac.quarantined", "m02").get(0);
        assertTrue(!at(quarantined).isBefore(policy.privateGraceEnds()), quarantined.toString());
        assertTrue(at(quarantined).isBefore(policy.privateGraceEnds().plus(Duration.ofDays(1))), "on the first run after the grace: " + quarantined);
        assertNotNull(email("m02", "access-revoked"));

        JsonNode released = actions("nac.released", "m02").get(0);
        assertTrue(at(released).isAfter(REMOVED_AT) && !at(released).isAfter(REMOVED_AT.plus(Duration.ofHours(1))),
                "released within the hour after the removal at " + REMOVED_AT + ": " + released);
        assertNotNull(email("m02", "access-restored"));
        assertEquals("allowed", device("ben-iphone").path("networkAccess").asText());
    }

    @Test
    void one_whose_member_never_removes_it_stays_off_the_network() {
        assertEquals(1, actions("nac.quarantined", "m30").size());
        assertTrue(actions("nac.released", "m30").isEmpty());
        assertEquals("quarantined", device("anaru-iphone").path("networkAccess").asText());
        assertTrue(device("anaru-iphone").path("hasApp").asBoolean());
    }

    @Test
    void a_supervised_one_is_cleaned_by_its_mdm_and_never_loses_access() {
        assertTrue(!device("bella-iphone").path("hasApp").asBoolean());
        assertEquals("allowed", device("bella-iphone").path("networkAccess").asText());
        assertTrue(actions("nac.quarantined", "m31").isEmpty());
    }

    /** Jamf Pro posts its device webhooks (header authentication) and each re-evaluates its device at once. */
    @Test
    void jamf_device_changes_arrive_by_webhook_before_the_hourly_sync() throws Exception {
        List<JsonNode> byWebhook = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("out").resolve("ledger.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode e = Json.parse(line);
            if (e.path("actor").asText().startsWith("jamf-webhook:") && e.path("action").asText().startsWith("inventory.")) byWebhook.add(e);
            assertTrue(!e.path("action").asText().equals("jamf-webhook.refused"), "nothing of Jamf's own was refused: " + e);
        }
        JsonNode removed = byWebhook.stream().filter(e -> e.path("member").asText().equals("m31")
                && e.path("action").asText().equals("inventory.app-disappeared")).findFirst().orElseThrow(() -> new AssertionError(byWebhook.toString()));
        assertEquals(policy.deadlineInstant(), Instant.parse(removed.path("at").asText()),
                "seen at the check-in the deadline run asked for, not at the next hourly sync");
    }

    @Test
    void the_status_page_shows_these_devices_apart() throws Exception {
        String html = Files.readString(dir.resolve("out").resolve("status.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("state-member-must-remove"), "the device the MDM cannot clean has its own state");
        assertTrue(html.contains("access-quarantined"), "and its network access is shown");
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
