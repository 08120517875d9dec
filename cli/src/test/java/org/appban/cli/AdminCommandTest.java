package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.cli.support.UsageException;
import org.appban.admin.AdminWorld;
import org.appban.domain.LedgerEntry;
import org.appban.json.Json;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * {@code ./appban admin} end to end: the command signs with a profile's credentials (the SDK's profile provider
 * over a credentials file), a local function URL front on loopback verifies the SigV4 signature as Lambda does,
 * names the principal in {@code requestContext.authorizer.iam}, and the admin handler (in this process, over the
 * example world) decides by that proven principal.
 */
class AdminCommandTest {
    static final String RAWIRI = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/rawiri";
    static final String MERE = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/mere";
    static final String HANA = "arn:aws:sts::111122223333:assumed-role/appban-operator/hana";

    @TempDir
    Path dir;
    private AdminWorld world;
    private FunctionUrlFront front;
    private Path credentials;

    @BeforeEach
    void start() throws IOException {
        world = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
                new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();
        front = new FunctionUrlFront(List.of(
                new FunctionUrlFront.Key("ASIATESTRAWIRI000001", "rawiri-secret", RAWIRI, "AROATEST:rawiri"),
                new FunctionUrlFront.Key("ASIATESTMERE00000001", "mere-secret", MERE, "AROATEST:mere"),
                new FunctionUrlFront.Key("ASIATESTHANA00000001", "hana-secret", HANA, "AROATEST:hana")),
                "ap-southeast-2", FunctionUrlFront.Backend.inProcess(world.handler(), "appban-admin"), Clock.systemUTC());
        credentials = dir.resolve("credentials");
        Files.writeString(credentials, """
                [rawiri]
                aws_access_key_id = ASIATESTRAWIRI000001
                aws_secret_access_key = rawiri-secret
                [mere]
                aws_access_key_id = ASIATESTMERE00000001
                aws_secret_access_key = mere-secret
                [hana]
                aws_access_key_id = ASIATESTHANA00000001
                aws_secret_access_key = hana-secret
                [forger]
                aws_access_key_id = ASIATESTRAWIRI000001
                aws_secret_access_key = not-rawiris-secret
                [stranger]
                aws_access_key_id = ASIATESTSTRANGER0001
                aws_secret_access_key = whatever
                """);
    }

    @AfterEach
    void stop() {
        front.close();
    }

    private record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return Json.parse(out);
        }
    }

    private Run admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        AdminCommand command = new AdminCommand(o, e, this::profile, (stack, region, caller) -> Map.of(AdminCommand.OUTPUT, front.url().toString()),
                Clock.systemUTC());
        int exit;
        try {
            exit = command.run(List.of(args));
        } catch (UsageException u) {
            e.println(u.getMessage());
            exit = 2;
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The SDK's own profile provider over the test's credentials file. */
    private AwsCredentialsIdentity profile(Optional<String> name) {
        ProfileFile file = ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build();
        return ProfileCredentialsProvider.builder().profileFile(file).profileName(name.orElseThrow()).build().resolveCredentials();
    }

    private List<String> as(String profile, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", front.url().toString(), "--region", "ap-southeast-2", "--profile", profile));
        all.addAll(List.of(args));
        return all;
    }

    private Run run(String profile, String... args) {
        return admin(as(profile, args).toArray(String[]::new));
    }

    @Test
    void a_request_signed_by_an_approvers_role_session_grants_and_the_ledger_names_that_principal() {
        Run grant = run("rawiri", "grant", "ex-example-requested", "--expires", "2023-06-30T17:00+12:00", "--note", "until the inquiry reports");
        assertEquals(0, grant.exit(), grant.err());
        assertTrue(grant.out().contains("exemption.grant by " + RAWIRI), grant.out());
        assertEquals(RAWIRI, world.exemptions().find("ex-example-requested").orElseThrow().decidedBy());
        LedgerEntry granted = world.ledger().chain("member#m-001").stream().filter(e -> e.record().action().equals("exemption.granted"))
                .findFirst().orElseThrow();
        assertEquals(RAWIRI, granted.record().actor().id());
    }

    @Test
    void the_requester_cannot_decide_their_own_request_by_proven_identity_and_another_approver_can() throws IOException {
        Run requested = run("rawiri", "--json", "request", "--member", "m-002", "--reason", "committee travel", "--request-id", "cli-1");
        assertEquals(0, requested.exit(), requested.err());
        String id = requested.json().path("result").path("exemptions").get(0).path("exemption").path("id").asText();
        Run self = run("rawiri", "grant", id, "--expires", "2023-05-30T17:00+12:00");
        assertEquals(1, self.exit());
        assertTrue(self.err().contains("'" + RAWIRI + "' requested exemption " + id + " and cannot also decide it"), self.err());
        assertEquals(0, run("mere", "grant", id, "--expires", "2023-05-30T17:00+12:00").exit());
    }

    @Test
    void status_preview_and_exemptions_print_tables_and_json_prints_the_report() throws IOException {
        Run status = run("hana", "status");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("noticesSent\\s+2")), status.out());
        assertTrue(status.out().contains("counters: unchecked"), status.out());
        Run full = run("hana", "status", "--export");
        assertEquals(0, full.exit(), full.err());
        assertTrue(full.out().lines().anyMatch(l -> l.matches("members\\s+3")), full.out());
        Run list = run("hana", "exemptions", "--member", "m-001");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("ex-example-requested ") && l.contains("requested")), list.out());
        Run preview = run("hana", "preview", "--days", "30");
        assertEquals(0, preview.exit(), preview.err());
        assertTrue(preview.out().contains("cuts access"), preview.out());
        assertEquals("done", run("hana", "--json", "status").json().path("status").asText());
    }

    @Test
    void the_kill_switch_records_the_proven_caller() {
        assertEquals(0, run("hana", "killswitch", "on", "--reason", "investigating a complaint").exit());
        assertEquals(HANA, world.killSwitch().read().by());
        assertTrue(world.killSwitch().read().engaged());
    }

    @Test
    void a_signature_that_does_not_verify_or_an_unknown_key_is_forbidden_and_changes_nothing() {
        Run forged = run("forger", "killswitch", "on", "--reason", "as rawiri");
        assertEquals(1, forged.exit());
        assertTrue(forged.err().contains("403"), forged.err());
        assertFalse(world.killSwitch().read().engaged());
        assertEquals(1, run("stranger", "status").exit());
    }

    @Test
    void two_person_rule_end_to_end_the_kill_switch_goes_off_only_when_a_second_administrator_approves() throws IOException {
        assertEquals(0, run("hana", "killswitch", "on", "--reason", "complaint").exit());
        Run asked = run("hana", "killswitch", "off", "--reason", "resolved");
        assertEquals(0, asked.exit(), asked.err());
        assertTrue(asked.out().startsWith("pending: killswitch.off by " + HANA), asked.out());
        assertTrue(world.killSwitch().read().engaged());
        Run pending = run("rawiri", "--json", "approvals");
        String id = pending.json().path("result").path("approvals").get(0).path("id").asText();
        assertTrue(run("rawiri", "approvals").out().lines().anyMatch(l -> l.startsWith(id + " ") && l.contains("killswitch.off")));

        Run self = run("hana", "approve", id);
        assertEquals(1, self.exit());
        assertTrue(self.err().contains("cannot also give its second approval"), self.err());
        assertTrue(world.killSwitch().read().engaged());

        Run approved = run("rawiri", "approve", id);
        assertEquals(0, approved.exit(), approved.err());
        assertFalse(world.killSwitch().read().engaged());
        assertEquals(1, run("mere", "approve", id).exit(), "given once");
    }

    @Test
    void a_manual_run_goes_through_the_admin_function_authorised_in_the_callers_name() throws IOException {
        Run run = run("hana", "--json", "enforce", "--devices", "d-101", "--run");
        assertEquals(0, run.exit(), run.err());
        String id = run.json().path("result").path("authorisation").asText();
        JsonNode authorised = Json.parse(world.ledger().byIdempotencyKey("run-authorisation/" + id).orElseThrow().record().details().get("request"));
        assertEquals(false, authorised.path("dryRun").asBoolean(true));
        assertEquals(HANA, world.ledger().byIdempotencyKey("run-authorisation/" + id).orElseThrow().record().details().get("by"));
        Run confirm = run("hana", "access", "quarantine", "--members", "m-001", "--confirm", "12", "--run");
        assertTrue(confirm.out().startsWith("pending: access.run"), confirm.out());
    }

    @Test
    void a_forced_resend_an_unblock_and_a_roster_confirm_are_handed_on_in_the_callers_name() throws IOException {
        Run resend = run("hana", "--json", "resend", "m-001", "--stage", "announcement", "--reason", "Never reached them; at their request");
        assertEquals(0, resend.exit(), resend.err() + resend.out());
        String id = resend.json().path("result").path("authorisation").asText();
        var given = world.ledger().byIdempotencyKey("run-authorisation/" + id).orElseThrow().record().details();
        assertEquals("notify-members", given.get("function"));
        assertEquals(HANA, given.get("by"));
        assertEquals("resend", Json.parse(given.get("request")).path("action").asText());
        Run unblock = run("hana", "--json", "unblock", "m-004", "--reason", "Address fixed (ticket SD-4411)");
        assertEquals(0, unblock.exit(), unblock.err() + unblock.out());
        // A confirm of held deactivations is past a limit: the two-person rule makes it wait for a second administrator.
        Run roster = run("hana", "roster", "appban-prod-roster", "rosters/r.csv", "--confirm", "120", "--run");
        assertTrue(roster.out().startsWith("pending: roster.run"), roster.out());
        assertEquals(List.of("notify-members " + id, "notify-members " + unblock.json().path("result").path("authorisation").asText()),
                world.runs().handedOn);
        Run bad = run("hana", "resend", "m-001", "--stage", "access-revoked", "--reason", "Not a scheduled stage");
        assertEquals(1, bad.exit(), "refused before anything is recorded or handed on: " + bad.out());
    }

    @Test
    void the_stack_output_names_the_url() {
        Run status = admin("--stack", "appban-prod", "--region", "ap-southeast-2", "--profile", "hana", "status");
        assertEquals(0, status.exit(), status.err());
    }

    @Test
    void every_subcommand_has_help_and_bad_usage_exits_2() {
        Run help = admin("--help");
        assertEquals(0, help.exit());
        for (String sub : AdminCommand.subcommands()) {
            assertTrue(help.out().contains("  " + sub + " "), sub);
            Run h = admin(sub, "--help");
            assertEquals(0, h.exit(), sub);
            assertTrue(h.out().startsWith("usage: ./appban admin "), h.out());
        }
        assertEquals(2, admin("status").exit(), "no --stack or --url");
        assertEquals(2, run("hana", "grant").exit(), "no exemption id");
        assertEquals(2, run("hana", "grant", "ex-1").exit(), "no --expires");
        assertEquals(2, run("hana", "killswitch", "maybe", "--reason", "x").exit());
        assertEquals(2, run("hana", "approve-everything").exit());
        assertEquals(2, Main.run(List.of("admin", "status", "--bogus"), new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
    }
}
