package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.appban.json.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./appban rehearse --fleet FILE} on a fleet file a person writes from the README, without the sample's
 * habits: no catalog, exemption expiries as dates, app events that leave the app to the policy, a {@code supervised}
 * flag on an Android phone. Accepted, and run as meant. What the policy would refuse is refused before anything
 * runs, the field named, never with a stack trace.
 */
class RehearseFleetFileIT {
    private static final String FLEET = """
            {
              "members": [
                {"id": "m1", "name": "Aroha Wiremu", "email": "aroha@parliament.govt.nz", "role": "member"},
                {"id": "m2", "name": "Ben Carter", "email": "ben@parliament.govt.nz", "role": "staff"},
                {"id": "m3", "name": "Chloe Tan", "email": "chloe@parliament.govt.nz", "role": "staff"},
                {"id": "m4", "name": "Daniel Faleolo", "email": "daniel@parliament.govt.nz", "role": "member"}
              ],
              "devices": [
                {"id": "m1-android", "owner": "m1", "ownership": "corporate", "platform": "android", "supervised": true,
                 "apps": ["com.zhiliaoapp.musically"], "mdm": "intune", "mac": "02:CD:00:00:00:01", "compliance": "compliant"},
                {"id": "m2-iphone", "owner": "m2", "ownership": "private", "platform": "ios", "supervised": false,
                 "apps": ["com.zhiliaoapp.musically"], "mdm": "intune", "mac": "02:CD:00:00:00:02", "compliance": "noncompliant"},
                {"id": "m3-iphone", "owner": "m3", "ownership": "corporate", "platform": "ios", "supervised": true,
                 "apps": ["com.zhiliaoapp.musically"], "mdm": "intune", "mac": "02:CD:00:00:00:03", "compliance": "compliant"},
                {"id": "m4-android", "owner": "m4", "ownership": "private", "platform": "android", "supervised": false,
                 "apps": ["com.ss.android.ugc.trill"], "mdm": "intune", "mac": "02:CD:00:00:00:04", "compliance": "noncompliant"}
              ],
              "exemptions": [
                {"member": "m4", "reason": "Monitors public content", "approvedBy": "APPROVER", "expires": "2023-06-30"}
              ],
              "events": [
                {"at": "2023-03-28T18:00+13:00", "device": "m2-iphone", "action": "remove-app"},
                {"at": "2023-04-03T10:00+12:00", "device": "m3-iphone", "action": "install-app"}
              ]
            }
            """;

    @TempDir
    static Path dir;
    static int exit;
    static String printed;
    static JsonNode report;

    @BeforeAll
    static void rehearse() throws Exception {
        Path fleet = write("fleet.json", FLEET.replace("APPROVER", "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_5f1c2e3d4a6b7c8d/ict-security-manager@parliament.govt.nz"));
        Result r = run("rehearse", "--fleet", fleet.toString(), "--out", dir.resolve("out").toString(), "--until", "2023-04-05");
        exit = r.exit;
        printed = r.out + r.err;
        report = exit == 0 ? Json.parse(dir.resolve("out").resolve("report.json")) : null;
    }

    @Test
    void the_file_is_accepted_and_the_meaningless_flag_is_named_in_a_warning() {
        assertEquals(0, exit, printed);
        assertTrue(printed.contains("warning:") && printed.contains("devices[0].supervised: ignored: only iOS devices are supervised"), printed);
    }

    @Test
    void an_app_missing_from_the_catalog_is_inventoried_under_the_policys_name_and_removed() {
        assertFalse(device("m1-android").path("hasApp").asBoolean(), "the MDM found TikTok by the policy's name and removed it");
        assertFalse(device("m3-iphone").path("hasApp").asBoolean(), "and refused the app-less install-app of the policy's app");
    }

    @Test
    void a_remove_app_event_without_an_app_removes_the_policys_app() {
        assertFalse(device("m2-iphone").path("hasApp").asBoolean());
    }

    @Test
    void an_exemption_given_as_a_date_ends_with_that_day_in_the_policys_zone() throws Exception {
        String ledger = Files.readString(dir.resolve("out").resolve("ledger.jsonl"), StandardCharsets.UTF_8);
        assertTrue(ledger.contains("2023-06-30T12:00:00Z"), "midnight after 30 June in Pacific/Auckland (NZST, +12)");
        assertTrue(device("m4-android").path("exempt").asBoolean());
    }

    @Test
    void an_approver_the_policy_does_not_name_is_refused_before_anything_runs_with_the_field_named() throws Exception {
        Path fleet = write("unknown-approver.json", FLEET.replace("APPROVER", "someone.else@example.org"));
        Path out = dir.resolve("refused");
        Result r = run("rehearse", "--fleet", fleet.toString(), "--out", out.toString());
        assertEquals(1, r.exit, r.out + r.err);
        assertTrue(r.err.contains("exemptions[0].approvedBy: 'someone.else@example.org' is not an approver of policy nz-parliament-tiktok-2023"), r.err);
        assertNoStackTrace(r);
        assertFalse(Files.exists(out), "nothing ran");
    }

    @Test
    void a_bad_fleet_or_policy_ends_in_a_message_not_a_stack_trace() throws Exception {
        Path badFleet = write("bad.json", FLEET.replace("\"expires\": \"2023-06-30\"", "\"expires\": \"30 June\""));
        Result r = run("rehearse", "--fleet", badFleet.toString(), "--out", dir.resolve("bad").toString());
        assertEquals(1, r.exit);
        assertTrue(r.err.contains("exemptions[0].expires: '30 June' is neither a date"), r.err);
        assertNoStackTrace(r);

        Path noExpiry = write("no-expiry.json", FLEET.replace(", \"expires\": \"2023-06-30\"", ""));
        r = run("rehearse", "--fleet", noExpiry.toString(), "--out", dir.resolve("bad").toString());
        assertEquals(1, r.exit);
        assertTrue(r.err.contains("exemptions[0].expires: is required for a granted exemption"), r.err);
        assertNoStackTrace(r);

        Path policy = write("policy.json", "{\"id\": \"p\", \"zone\": \"Mars/Olympus\"}");
        r = run("rehearse", "--policy", policy.toString(), "--out", dir.resolve("bad").toString());
        assertEquals(1, r.exit, r.out + r.err);
        assertTrue(r.err.contains("zone"), r.err);
        assertNoStackTrace(r);
    }

    @Test
    void a_policys_template_set_missing_a_stage_is_refused_before_anything_runs_naming_the_file_and_field() throws Exception {
        Path set = Files.createDirectories(dir.resolve("policy-with-sets").resolve("notices-fr").resolve("partials"));
        // The French set without its announcement's HTML body.
        List<String> files = new java.util.ArrayList<>(List.of("templates.properties", "layout.html.mustache", "layout.txt.mustache",
                "calendar.txt.mustache", "announcement.txt.mustache"));
        for (String partial : List.of("confirm", "contact", "devices", "exemption", "ownership", "removal-steps")) {
            files.add("partials/" + partial + ".html.mustache");
            files.add("partials/" + partial + ".txt.mustache");
        }
        for (String name : files) {
            Files.copy(RehearseFleetFileIT.class.getResourceAsStream("/templates/fr/" + name), set.getParent().resolve(name));
        }
        String bundled;
        try (var in = RehearseFleetFileIT.class.getResourceAsStream("/policies/nz-parliament-tiktok-2023.json")) {
            bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path policy = dir.resolve("policy-with-sets").resolve("policy.json");
        Files.writeString(policy, bundled.replace("\"classpath:templates/fr\"", "\"notices-fr\""));
        Path out = dir.resolve("refused-set");
        Result r = run("rehearse", "--policy", policy.toString(), "--out", out.toString());
        assertEquals(1, r.exit, r.out + r.err);
        assertTrue(r.err.contains(policy.toString()) && r.err.contains("notices.languages.sets[1] (fr)")
                && r.err.contains(dir.resolve("policy-with-sets").resolve("notices-fr").resolve("announcement.html.mustache").toAbsolutePath().normalize()
                + " is missing"), r.err);
        assertNoStackTrace(r);
        assertFalse(Files.exists(out), "nothing ran");
    }

    private static void assertNoStackTrace(Result r) {
        for (String s : List.of(r.out, r.err)) {
            assertFalse(s.contains("\tat ") || s.contains("Exception"), "a stack trace: " + s);
        }
    }

    private static JsonNode device(String id) {
        for (JsonNode d : report.path("devices")) if (d.path("id").asText().equals(id)) return d;
        throw new AssertionError("no device " + id);
    }

    private static Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
