package org.appban.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.appban.domain.LedgerEntry;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.LedgerJson;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled rehearsal, run once, read as an administrator would read its report. */
class RehearsalIT {
    @TempDir
    static Path dir;
    static JsonNode report;
    static String timeline;

    @BeforeAll
    static void rehearse() throws Exception {
        BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Fleet fleet = new FleetLoader().bundled(FleetLoader.SAMPLE);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new Rehearsal(new Rehearsal.Options(policy, fleet, dir, policy.deadlineInZone().plusDays(14).toInstant()),
                new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        timeline = printed.toString(StandardCharsets.UTF_8);
        report = Json.parse(dir.resolve("report.json"));
    }

    /**
     * Scheduled stages go once per member; event-driven notices (access, exemptions, escalation) once per occasion,
     * so a member with two quarantined devices rightly gets two access-revoked notices, but never two for one device.
     */
    @Test
    void every_email_is_in_the_outbox_and_no_member_gets_a_scheduled_stage_or_an_occasion_twice() {
        Set<String> seen = new HashSet<>();
        Set<String> scheduled = Set.of("announcement", "reminder", "deadline", "overdue");
        for (JsonNode e : report.path("emails")) {
            assertTrue(Files.isRegularFile(dir.resolve(e.path("file").asText())), e.toString());
            String key = e.path("member").asText() + "/" + e.path("stage").asText()
                    + (scheduled.contains(e.path("kind").asText()) ? "" : "/" + e.path("device").asText("") + "/" + e.path("subject").asText());
            assertTrue(seen.add(key), "sent twice: " + e);
        }
    }

    @Test
    void the_campaign_sends_announcement_reminders_deadline_and_overdue_notices() {
        Set<String> kinds = new HashSet<>();
        report.path("emails").forEach(e -> kinds.add(e.path("kind").asText()));
        assertTrue(kinds.containsAll(List.of("announcement", "reminder", "deadline", "overdue")), kinds.toString());
    }

    @Test
    void a_member_who_left_gets_nothing_after_leaving() {
        JsonNode deactivated = null;
        for (JsonNode a : report.path("actions")) {
            if (a.path("kind").asText().equals("roster.member-deactivated")) deactivated = a;
        }
        assertTrue(deactivated != null, "the sample fleet has a leaver");
        String member = deactivated.path("member").asText();
        String leftAt = deactivated.path("at").asText();
        for (JsonNode e : report.path("emails")) {
            if (e.path("member").asText().equals(member)) {
                assertTrue(java.time.OffsetDateTime.parse(e.path("at").asText()).isBefore(java.time.OffsetDateTime.parse(leftAt)), e.toString());
            }
        }
    }

    @Test
    void the_report_lists_every_device_of_the_fleet_at_the_end() {
        assertEquals(new FleetLoader().bundled(FleetLoader.SAMPLE).devices().size(), report.path("devices").size());
        for (JsonNode d : report.path("devices")) {
            assertTrue(Set.of("allowed", "quarantined").contains(d.path("networkAccess").asText()), d.toString());
            assertTrue(d.has("hasApp") && d.has("exempt") && d.has("member") && d.has("ownership"), d.toString());
        }
    }

    @Test
    void the_ledger_written_by_the_rehearsal_verifies() throws Exception {
        LedgerJson codec = new LedgerJson();
        java.util.Map<String, List<LedgerEntry>> chains = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("ledger.jsonl"))) {
            LedgerEntry e = codec.fromJson(Json.parse(line));
            chains.computeIfAbsent(e.chain(), c -> new ArrayList<>()).add(e);
        }
        assertTrue(chains.size() > 10);
        ChainVerifier verifier = new ChainVerifier();
        chains.forEach((chain, entries) -> assertTrue(verifier.verify(chain, entries).intact(), chain));
    }

    @Test
    void the_ledger_agrees_with_the_digests_anchored_every_hour() throws Exception {
        java.util.Map<String, List<LedgerEntry>> chains = new java.util.TreeMap<>();
        LedgerJson codec = new LedgerJson();
        for (String line : Files.readAllLines(dir.resolve("ledger.jsonl"))) {
            LedgerEntry e = codec.fromJson(Json.parse(line));
            chains.computeIfAbsent(e.chain(), c -> new ArrayList<>()).add(e);
        }
        List<org.appban.ledger.DigestStore.Stored> digests = new org.appban.ledger.FolderDigestStore(dir).all();
        org.appban.ledger.DigestVerifier.Result r = new org.appban.ledger.DigestVerifier(org.appban.ledger.LedgerDigestJson.JSON).verify(digests, Rehearsal.LEDGER_NAME, chains, true,
                chains.values().stream().flatMap(List::stream).map(e -> e.record().at()).max(java.util.Comparator.naturalOrder()).orElseThrow());
        assertEquals(List.of(), r.problems());
        assertTrue(r.digests() >= 14, "at least one a day over the rehearsal's weeks: " + r.digests());
        assertTrue(timeline.contains("--digests " + dir), "the footer says how to check it");
    }

    /**
     * The ledger cannot be edited and logs are kept for their retention, so neither may hold what could have to be
     * erased: every address and name on every roster the rehearsal imported is looked for (ignoring case) in
     * ledger.jsonl and logs/functions.log. The rehearsal sends notices to every member and has SES report a bounce,
     * the two places an address must be evidenced: there the ledger and the log carry its keyed hash instead.
     */
    @Test
    void no_roster_address_or_name_is_in_the_ledger_or_the_logs() throws Exception {
        Set<String> personal = new java.util.TreeSet<>();
        try (var rosters = Files.list(dir.resolve("roster"))) {
            for (Path roster : rosters.toList()) {
                for (JsonNode m : Json.parse(roster).path("members")) {
                    personal.add(m.path("email").asText().toLowerCase(java.util.Locale.ROOT));
                    personal.add(m.path("name").asText().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        assertTrue(personal.size() > 40, "the rosters were read: " + personal.size());
        String ledger = Files.readString(dir.resolve("ledger.jsonl")).toLowerCase(java.util.Locale.ROOT);
        String log = Files.readString(dir.resolve("logs").resolve("functions.log")).toLowerCase(java.util.Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (String value : personal) {
            if (ledger.contains(value)) found.add("ledger: " + value);
            if (log.contains(value)) found.add("log: " + value);
        }
        assertEquals(List.of(), found);
        assertTrue(ledger.contains("\"recipienthmac\":\"hmac:"), "notices name their recipient by keyed hash");
        assertTrue(ledger.contains("\"action\":\"mail.feedback-recorded\"") && ledger.contains("\"addresshmac\":\"hmac:"),
                "the bounce is in the ledger, its address by keyed hash");
        assertTrue(log.contains("\"trigger\":\"ses-bounce\"") && log.contains("\"addresshmac\":\"hmac:"), "and in the log");
    }

    @Test
    void the_timeline_is_in_the_policy_zone_across_the_daylight_saving_change() {
        assertTrue(timeline.contains("NZDT"), "before 2 April");
        assertTrue(timeline.contains("NZST"), "after 2 April");
    }

    private static JsonNode device(String fleetId) {
        return ReportReading.device(report, fleetId);
    }

    @Test
    void at_the_deadline_the_app_leaves_every_corporate_device_that_is_not_exempt_and_can_be_managed() {
        for (JsonNode d : report.path("devices")) {
            if (!d.path("ownership").asText().equals("corporate") || d.path("exempt").asBoolean()) continue;
            String id = d.path("id").asText();
            if (id.contains("unsupervised")) continue;
            assertTrue(!d.path("hasApp").asBoolean(), id + " still has the app: " + d);
        }
        // A supervised iPhone whose owner tries to install it again after the deadline stays clean.
        assertTrue(!device("d13-corp-iphone-reinstaller").path("hasApp").asBoolean());
    }

    @Test
    void exempt_devices_keep_the_app_and_their_network_access() {
        for (String id : List.of("d15-corp-iphone-exempt", "d35-jamf-iphone-exempt", "d16-private-android-exempt")) {
            JsonNode d = device(id);
            assertTrue(d.path("exempt").asBoolean() && d.path("hasApp").asBoolean(), d.toString());
            assertEquals("allowed", d.path("networkAccess").asText(), d.toString());
        }
    }

    /** The MDM can neither remove nor block the app on the sample's unsupervised corporate iPhones; the ban holds anyway. */
    @Test
    void an_unsupervised_corporate_iphone_that_keeps_the_app_is_escalated_told_and_taken_off_the_network() {
        assertTrue(timeline.contains("enforce.not-blockable") && timeline.contains("d02-corp-iphone-unsupervised"), "reported");
        for (String[] d : new String[][] {{"m02", "d02-corp-iphone-unsupervised"}, {"m30", "d30-jamf-iphone-unsupervised"}}) {
            assertTrue(device(d[1]).path("hasApp").asBoolean());
            assertEquals("quarantined", device(d[1]).path("networkAccess").asText(), d[1]);
            List<String> kinds = new ArrayList<>();
            for (JsonNode e : report.path("emails")) if (e.path("member").asText().equals(d[0])) kinds.add(e.path("kind").asText());
            assertTrue(kinds.containsAll(List.of("overdue", "removal-escalated", "access-revoked")), d[0] + ": " + kinds);
        }
    }

    @Test
    void a_private_device_that_keeps_the_app_loses_network_access_after_the_grace_period_with_its_notice() {
        assertEquals("quarantined", device("d24-private-android").path("networkAccess").asText());
        boolean noticed = false;
        for (JsonNode e : report.path("emails")) {
            if (e.path("kind").asText().equals("access-revoked") && e.path("member").asText().equals("m24")) noticed = true;
        }
        assertTrue(noticed, "m24 is told how to get back on the network");
    }

    @Test
    void a_quarantined_device_is_released_once_its_member_removes_the_app() {
        boolean quarantined = false;
        boolean released = false;
        for (JsonNode a : report.path("actions")) {
            String kind = a.path("kind").asText();
            if (!timelineNames(a).contains("d18")) continue;
            if (kind.equals("nac.quarantined")) quarantined = true;
            if (kind.equals("nac.released") && quarantined) released = true;
        }
        assertTrue(quarantined && released, "d18 quarantined, then released");
        assertEquals("allowed", device("d18-private-iphone").path("networkAccess").asText());
    }

    @Test
    void an_expired_exemption_stops_protecting_and_a_revoked_one_re_exposes_the_device() {
        assertEquals("quarantined", device("d20-private-iphone-exempt-expiring").path("networkAccess").asText());
        assertTrue(!device("d20-private-iphone-exempt-expiring").path("exempt").asBoolean());
        // m19's member-wide exemption is revoked after the deadline: the corporate iPhone is then cleaned.
        assertTrue(!device("d19-corp-iphone").path("hasApp").asBoolean());
    }

    /** The report names devices by their store id; the fleet id of the same device, for matching. */
    private static String timelineNames(JsonNode action) {
        String device = action.path("device").asText("");
        for (JsonNode d : report.path("devices")) {
            if (device.equals(d.path("mdmDevice").asText(null))) return d.path("id").asText();
        }
        return device;
    }

    /** The network actions on record for a member's devices, in order. */
    private static java.util.List<String> networkActions(String member) {
        java.util.List<String> kinds = new java.util.ArrayList<>();
        for (JsonNode a : report.path("actions")) {
            if (a.path("kind").asText().startsWith("nac.") && member.equals(a.path("member").asText())) kinds.add(a.path("kind").asText());
        }
        return kinds;
    }

    /** The policy's deadline plus its grace for private devices, in the policy's zone, as the report writes times. */
    private static String deadlinePlusGrace() {
        var policy = new org.appban.policy.file.PolicyLoader().bundled(org.appban.policy.file.PolicyLoader.BUNDLED);
        return policy.deadline().plusDays(policy.privateDevices().graceDays()).atZone(policy.zone()).toOffsetDateTime().toString();
    }

    @Test
    void private_phones_no_mdm_enrols_are_known_from_the_nac_registry_and_quarantined_after_the_grace_period() {
        for (String member : java.util.List.of("m10", "m25")) {
            JsonNode quarantine = null;
            for (JsonNode a : report.path("actions")) {
                if (a.path("kind").asText().equals("nac.quarantined") && a.path("member").asText().equals(member)) {
                    quarantine = a;
                    break;
                }
            }
            assertTrue(quarantine != null, member + " was never quarantined");
            assertTrue(quarantine.path("device").asText().startsWith("nac:"), quarantine.toString());
            assertTrue(java.time.OffsetDateTime.parse(quarantine.path("at").asText()).toInstant()
                    .compareTo(java.time.OffsetDateTime.parse(deadlinePlusGrace()).toInstant()) >= 0, quarantine.toString());
        }
        // d25's owner attested, kept the app and was seen using it after: still quarantined at the end.
        assertEquals("quarantined", device("d25-private-iphone-unmanaged").path("networkAccess").asText());
        // d10's owner removed it and attested: quarantined, then released.
        assertEquals(java.util.List.of("nac.quarantined", "nac.released"), networkActions("m10"));
        assertEquals("allowed", device("d10-private-iphone-unmanaged").path("networkAccess").asText());
    }

    @Test
    void a_private_phone_whose_owner_attested_and_removed_the_app_is_never_touched() {
        assertEquals(java.util.List.of(), networkActions("m17"));
        assertEquals("allowed", device("d17-private-iphone").path("networkAccess").asText());
    }

    @Test
    void a_device_without_a_mac_is_reported_and_never_acted_on() {
        assertTrue(networkActions("m28").contains("nac.identity-unresolved"), networkActions("m28").toString());
        assertTrue(networkActions("m28").stream().allMatch("nac.identity-unresolved"::equals), networkActions("m28").toString());
        assertEquals("allowed", device("d28-private-android-no-mac").path("networkAccess").asText());
    }

    /**
     * d26 (unmanaged, registered on the network by m26) and d27 (m27's iPad, enrolled in Intune) use the same MAC:
     * the network cannot tell them apart, so neither is acted on; the ambiguity is reported.
     */
    @Test
    void two_devices_sharing_a_mac_are_reported_and_never_acted_on() {
        assertEquals("allowed", device("d26-private-iphone-shared-mac").path("networkAccess").asText());
        assertEquals("allowed", device("d27-private-ipad-shared-mac").path("networkAccess").asText());
        assertTrue(networkActions("m26").contains("nac.identity-unresolved"), networkActions("m26").toString());
        assertTrue(networkActions("m26").stream().allMatch("nac.identity-unresolved"::equals), networkActions("m26").toString());
        assertTrue(networkActions("m27").stream().allMatch("nac.identity-unresolved"::equals), networkActions("m27").toString());
    }

    @Test
    void exempt_devices_keep_their_network_access() {
        for (JsonNode d : report.path("devices")) {
            if (d.path("exempt").asBoolean()) assertEquals("allowed", d.path("networkAccess").asText(), d.toString());
        }
    }

    /** The administrators' digest: one a day to each administrator the policy names, from the first day to the last. */
    @Test
    void each_administrator_gets_one_admin_digest_a_day() {
        BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Set<String> days = new HashSet<>();
        int digests = 0;
        for (JsonNode e : report.path("emails")) {
            if (!e.path("kind").asText().equals("admin-digest")) continue;
            digests++;
            assertTrue(policy.digest().orElseThrow().recipients().contains(e.path("to").asText()), e.toString());
            assertTrue(days.add(e.path("at").asText().substring(0, 10)), "two digests on one day: " + e);
            assertTrue(e.path("at").asText().substring(11, 16).equals("08:30"), e.toString());
        }
        assertTrue(digests >= 28, "digests: " + digests);
    }

    /**
     * The sample fleet gives m03 and m09 the language {@code fr}: every notice of theirs comes from the policy's French
     * set (subject, both parts and the calendar event), and every other member's stays in English.
     */
    @Test
    void members_whose_roster_row_says_fr_get_every_notice_in_french_and_the_others_in_english() throws Exception {
        Set<String> french = Set.of("m03", "m09");
        Set<String> frenchKinds = new HashSet<>();
        int english = 0;
        for (JsonNode e : report.path("emails")) {
            if (e.path("kind").asText().equals("admin-digest")) continue;
            org.appban.mail.EmlReader.Message m = org.appban.mail.EmlReader.read(Files.readAllBytes(dir.resolve(e.path("file").asText())));
            if (french.contains(e.path("member").asText())) {
                frenchKinds.add(e.path("kind").asText());
                assertTrue(m.html().contains("<html lang=\"fr\">") && m.html().contains("<p>Bonjour "), e.toString());
                assertTrue(m.text().contains("Cordialement,") && !m.text().contains("Kia ora"), m.text());
                assertFalse(m.subject().contains("TikTok must") || m.subject().startsWith("Reminder"), m.subject());
                if (m.attachment("deadline.ics").isPresent()) {
                    String ics = new String(m.attachment("deadline.ics").get().content(), StandardCharsets.UTF_8);
                    assertTrue(ics.contains("SUMMARY:Échéance"), ics);
                }
            } else {
                english++;
                assertTrue(m.html().contains("<html lang=\"en\">") && m.text().contains("Kia ora"), e.toString());
            }
        }
        assertTrue(frenchKinds.containsAll(List.of("announcement", "reminder")), frenchKinds.toString());
        assertTrue(english > 50, "the rest of the roster: " + english);
    }

    /** The announcement carries the deadline as a calendar event in the policy's zone. */
    @Test
    void the_announcement_carries_the_deadline_as_an_ics_event() throws Exception {
        JsonNode announcement = null;
        for (JsonNode e : report.path("emails")) if (e.path("kind").asText().equals("announcement")) announcement = e;
        org.appban.mail.EmlReader.Message m = org.appban.mail.EmlReader.read(Files.readAllBytes(dir.resolve(announcement.path("file").asText())));
        String ics = new String(m.attachment("deadline.ics").orElseThrow().content(), StandardCharsets.UTF_8);
        assertTrue(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Pacific/Auckland\r\n"), ics);
        assertTrue(ics.contains("DTSTART;TZID=Pacific/Auckland:20230331T000000\r\n"), ics);
        assertTrue(m.html().contains("</html>") && m.text() != null);
    }

    /** status.html draws the campaign day by day: four charts, each with its numbers in a table. */
    @Test
    void the_status_page_has_the_campaign_charts() throws Exception {
        String html = Files.readString(dir.resolve("status.html"));
        assertEquals(4, html.split("<figure class=\"chart\"", -1).length - 1);
        assertEquals(4, html.split("<svg ", -1).length - 1);
        assertTrue(html.contains("Devices carrying TikTok, by day"));
    }
}
