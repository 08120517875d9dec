package org.appban.notice;

import org.appban.notice.commands.NotifyCommands;
import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.testing.TestClock;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.granted;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.policy.BanPolicy;
import org.appban.policy.StageKind;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.appban.alerts.InMemoryAdminAlerts;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.LedgerEntry;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.mail.MimeWriter;
import org.appban.mail.Mailer;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TestContext;
import org.appban.work.ContinuationJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample event under events/notify-members is fed to the handler, wired with embedded adapters, and does
 * what it says; every malformed one under events/notify-members/malformed is rejected naming what is wrong.
 */
class NotifyMembersEventsTest {
    private static final Path EVENTS = ProjectLayout.root().resolve("events").resolve("notify-members");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.appban.ledger.Pseudonyms PSEUDONYMS = org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000");

    private final TestClock clock = new TestClock(nz("2023-03-17T09:05"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    private final InMemoryClaims claims = new InMemoryClaims();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryAdminAlerts alerts = new InMemoryAdminAlerts();
    private final RecordingMailer mailer = new RecordingMailer();
    private NotifyMembersHandler handler;

    @BeforeEach
    void fleet() {
        members.save(Member.active("m-001", "Aroha Tūhoe", "aroha@example.org", Role.MEMBER));
        members.save(Member.active("m-002", "Sean O'Brien", "sean@example.org", Role.STAFF));
        members.save(Member.active("m-003", "Mere Parata", "mere@example.org", Role.MEMBER));
        members.save(Member.active("m-004", "Bounced", "bounced@example.org", Role.STAFF));
        devices.save(corporate("d-101", "m-001", Platform.IOS, "iPhone 14", AppPresence.PRESENT));
        devices.save(personal("d-102", "m-001", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT));
        devices.save(corporate("d-301", "m-003", Platform.IOS, "iPad Air", AppPresence.PRESENT));
        exemptions.create(granted("x-301", "m-003", "d-301", nz("2023-09-30T00:00")));
        handler = handler(mailer);
    }

    private NotifyMembersHandler handler(Mailer m) {
        return handler(m, POLICY);
    }

    private NotifyMembersHandler handler(Mailer m, BanPolicy policy) {
        NoticeComposer composer = new NoticeComposer(policy, new NoticeRenderer(policy, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none());
        NotifyMembers notify = new NotifyMembers(policy, members, devices, exemptions, claims, ledger, Attestations.fromLedger(ledger),
                new NoticePlanner(policy), composer, new NoticeSender(claims, ledger, m, clock, Duration.ofMinutes(16), PSEUDONYMS), clock);
        return new NotifyMembersHandler(notify, new MailFeedbackRecorder(members, ledger, alerts, clock, PSEUDONYMS),
                new org.appban.digest.AdminDigest(policy, devices, exemptions, ledger, claims, m, new org.appban.digest.DigestMail(policy, new MimeWriter(), null),
                        org.appban.digest.FleetChainApprovals.of(policy, ledger), clock, Duration.ofMinutes(16)));
    }

    private static String sample(String name) {
        try {
            return Files.readString(EVENTS.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode invoke(String event, Context context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out, context);
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode feed(String name) {
        return invoke(sample(name), TestContext.forgedClientContext("req-" + name, "admin@parliament.govt.nz"));
    }

    private List<String> sentStages() {
        return mailer.sent.stream().map(m -> m.tags().get("stage") + ">" + m.tags().get("member")).toList();
    }

    private List<String> actions(String member) {
        return ledger.chain("member#" + member).stream().map(e -> e.record().action()).toList();
    }

    // ---- the schedule -------------------------------------------------------------------------------------------

    @Test
    void schedule_on_the_announcement_day_sends_each_member_the_announcement_once() {
        JsonNode r = feed("schedule.json");
        assertEquals("schedule", r.path("trigger").asText());
        assertEquals("done", r.path("status").asText(), r.toString());
        assertEquals(4, r.path("counts").path("sent").asInt());
        assertEquals(0, r.path("attention").size(), "routine results are counted, not listed");
        assertEquals(4, mailer.count());

        JsonNode again = invoke(sample("schedule.json"), TestContext.of("another-run"));
        assertEquals(4, again.path("counts").path("skipped:already-sent").asInt());
        assertEquals(4, mailer.count());
    }

    @Test
    void schedule_run_that_cannot_send_everything_fails_so_that_lambda_retries_it() {
        handler = handler(mail -> {
            throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
        });
        NotifyMembersHandler.IncompleteRun e = assertThrows(NotifyMembersHandler.IncompleteRun.class, () -> feed("schedule.json"));
        assertTrue(e.getMessage().contains("throttled=4"), e.getMessage());
        // The retry (same request id) finds nothing claimed: every notice goes out.
        handler = handler(mailer);
        assertEquals(4, feed("schedule.json").path("counts").path("sent").asInt());
    }

    // ---- DeviceStatusChanged ------------------------------------------------------------------------------------

    @Test
    void device_status_changed_brings_one_catch_up_notice_never_a_repeat() {
        feed("schedule.json");
        clock.set(nz("2023-04-04T14:30"));
        devices.save(personal("d-207", "m-002", Platform.ANDROID, "Galaxy S22", ComplianceState.NONCOMPLIANT));

        JsonNode r = feed("device-status-changed.json");
        assertEquals("device-status-changed", r.path("trigger").asText());
        assertEquals("new-device", r.path("change").asText());
        assertEquals("overdue", r.path("results").get(0).path("stage").asText());
        assertEquals("sent", r.path("results").get(0).path("result").asText());

        JsonNode again = invoke(sample("device-status-changed.json"), TestContext.of("redelivered"));
        assertEquals("skipped:already-sent", again.path("results").get(0).path("result").asText());
        assertEquals(5, mailer.count(), "four announcements and one catch-up");
    }

    @Test
    void device_status_changed_for_another_policy_is_ignored() {
        String other = sample("device-status-changed.json").replace("nz-parliament-tiktok-2023", "some-other-ban");
        JsonNode r = invoke(other, TestContext.of("r"));
        assertEquals("ignored", r.path("status").asText());
        assertEquals(0, mailer.count());
    }

    // ---- NoticeRequested ----------------------------------------------------------------------------------------

    static Stream<Object[]> requests() {
        return Stream.of(
                new Object[] {"notice-requested-access-revoked.json", "2023-04-07T09:06", "access-revoked", "m-001", "appban.network"},
                new Object[] {"notice-requested-access-restored.json", "2023-04-07T11:41", "access-restored", "m-001", "appban.network"},
                new Object[] {"notice-requested-removal-escalated.json", "2023-04-06T09:01", "removal-escalated", "m-001", "appban.enforcement"},
                new Object[] {"notice-requested-exemption-granted.json", "2023-03-20T10:01", "exemption-granted", "m-003", "appban.admin"},
                new Object[] {"notice-requested-exemption-expiring.json", "2023-09-16T09:01", "exemption-expiring", "m-003", "appban.admin"},
                new Object[] {"notice-requested-exemption-expired.json", "2023-09-30T00:01", "exemption-expired", "m-003", "appban.admin"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void a_notice_request_sends_its_notice_once_per_occasion(String file, String at, String stage, String member, String source) {
        clock.set(nz(at));
        JsonNode r = feed(file);
        assertEquals("notice-requested", r.path("trigger").asText());
        assertEquals(source, r.path("source").asText());
        JsonNode result = r.path("results").get(0);
        assertEquals("sent", result.path("result").asText(), r.toString());
        assertEquals(stage, result.path("kind").asText());
        assertEquals(List.of(stage + ">" + member), sentStages());
        assertTrue(actions(member).contains("notice.sent"));

        JsonNode again = invoke(sample(file), TestContext.of("redelivered"));
        assertEquals("already-sent", again.path("results").get(0).path("result").asText());
        assertEquals(1, mailer.count());
    }

    @Test
    void a_notice_request_about_someone_elses_device_is_recorded_and_alarmed_not_retried() {
        clock.set(nz("2023-04-07T09:06"));
        String event = sample("notice-requested-access-revoked.json").replace("\"d-102\"", "\"d-301\"");
        JsonNode r = invoke(event, TestContext.of("r"));
        assertEquals("undeliverable", r.path("results").get(0).path("result").asText());
        assertTrue(r.path("results").get(0).path("detail").asText().contains("d-301"));
        assertEquals(0, mailer.count());
        assertTrue(actions("m-001").contains("notice.undeliverable"), actions("m-001").toString());
        assertEquals(1, alerts.alerts().size());
        assertTrue(alerts.alerts().get(0).subject().contains("access-revoked notice could not be sent to member m-001"));
        invoke(event, TestContext.of("redelivered"));
        assertEquals(1, actions("m-001").stream().filter("notice.undeliverable"::equals).count(), "one ledger entry per occasion");
    }

    @Test
    void a_notice_request_for_someone_not_on_the_roster_is_recorded_and_alarmed_not_retried() {
        JsonNode r = invoke(sample("notice-requested-access-revoked.json").replace("\"m-001\"", "\"m-999\""), TestContext.of("r"));
        assertEquals("undeliverable", r.path("results").get(0).path("result").asText());
        assertTrue(r.path("results").get(0).path("detail").asText().contains("m-999 is not on the roster"));
        assertEquals(0, mailer.count());
        assertTrue(actions("m-999").contains("notice.undeliverable"));
        assertEquals("m-999", alerts.alerts().get(0).facts().get("member"));
    }

    @Test
    void a_notice_request_of_a_kind_the_policy_has_no_stage_for_is_recorded_and_alarmed() {
        // A policy built in code (the loader refuses such a file): the request is on record and before the administrators.
        BanPolicy without = withStages(POLICY, POLICY.notices().stages().stream().filter(s -> s.kind() != StageKind.ACCESS_REVOKED).toList(), Set.of());
        handler = handler(mailer, without);
        clock.set(nz("2023-04-07T09:06"));
        JsonNode r = invoke(sample("notice-requested-access-revoked.json"), TestContext.of("r"));
        assertEquals("undeliverable", r.path("results").get(0).path("result").asText());
        assertTrue(r.path("results").get(0).path("detail").asText().contains("has no 'access-revoked' stage"));
        assertTrue(actions("m-001").contains("notice.undeliverable"));
        assertEquals(1, alerts.alerts().size());
    }

    @Test
    void a_notice_request_of_a_kind_the_policy_sends_none_of_is_recorded_and_nobody_is_alarmed() {
        BanPolicy silent = withStages(POLICY, POLICY.notices().stages().stream().filter(s -> s.kind() != StageKind.ACCESS_REVOKED).toList(),
                Set.of(StageKind.ACCESS_REVOKED));
        handler = handler(mailer, silent);
        clock.set(nz("2023-04-07T09:06"));
        JsonNode r = invoke(sample("notice-requested-access-revoked.json"), TestContext.of("r"));
        assertEquals("not-sent", r.path("results").get(0).path("result").asText());
        assertEquals(0, mailer.count());
        assertTrue(actions("m-001").contains("notice.not-sent"));
        assertEquals(0, alerts.alerts().size());
    }

    private static BanPolicy withStages(BanPolicy p, List<org.appban.policy.NoticeStage> stages, Set<StageKind> notSent) {
        BanPolicy.Notices n = p.notices();
        return new BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(), p.announcement(), p.deadline(),
                new BanPolicy.Notices(n.sendTime(), n.weekendDaysBeforeDeadline(), n.holidays(), stages, notSent),
                p.privateDevices(), p.enforcement(), p.exemptions(), p.sender(), p.contact());
    }

    @Test
    void a_notice_request_that_could_not_be_sent_fails_so_that_lambda_retries_it() {
        clock.set(nz("2023-04-07T09:06"));
        handler = handler(mail -> {
            throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
        });
        assertThrows(NotifyMembersHandler.IncompleteRun.class, () -> feed("notice-requested-access-revoked.json"));
        handler = handler(mailer);
        assertEquals("sent", feed("notice-requested-access-revoked.json").path("results").get(0).path("result").asText());
    }

    // ---- SES bounces and complaints -----------------------------------------------------------------------------

    @Test
    void a_permanent_bounce_blocks_the_address_records_it_tells_the_administrators_and_no_mail_follows() {
        JsonNode r = feed("ses-bounce.json");
        assertEquals("ses-bounce", r.path("trigger").asText());
        assertEquals("blocked", r.path("addresses").get(0).path("result").asText(), r.toString());
        assertTrue(members.find("m-004").orElseThrow().mailBlocked());
        assertEquals(List.of(MailFeedbackRecorder.BLOCKED), actions("m-004"));
        LedgerEntry entry = ledger.chain("member#m-004").get(0);
        assertEquals("Permanent", entry.record().details().get("type"));
        assertEquals(PSEUDONYMS.address("Bounced@Example.org"),
                entry.record().details().get("addressHmac"), "the ledger names the address by its keyed hash");
        assertFalse(entry.record().toString().toLowerCase().contains("bounced@example.org"), "and never in clear: " + entry.record());
        assertTrue(entry.record().details().get("diagnostic").contains("<ADDRESS>: Recipient address rejected"), entry.record().details().get("diagnostic"));
        assertFalse(r.toString().contains("bounced@example.org"), "the report goes to the log: no address in it either: " + r);
        assertEquals(1, alerts.alerts().size());
        assertTrue(alerts.alerts().get(0).body().contains("bounced@example.org"));

        JsonNode again = invoke(sample("ses-bounce.json"), TestContext.of("redelivered"));
        assertEquals("already-recorded", again.path("addresses").get(0).path("result").asText());
        assertEquals(1, alerts.alerts().size(), "one alert per bounce, however often SES delivers it");

        JsonNode schedule = feed("schedule.json");
        assertEquals(1, schedule.path("counts").path("skipped:mail-blocked").asInt());
        assertFalse(mailer.sent.stream().anyMatch(m -> m.recipient().value().equals("bounced@example.org")));
    }

    @Test
    void a_complaint_blocks_the_address_too() {
        JsonNode r = feed("ses-complaint.json");
        assertEquals("ses-complaint", r.path("trigger").asText());
        assertEquals("blocked", r.path("addresses").get(0).path("result").asText());
        assertEquals(List.of("m-002"), JSON.convertValue(r.path("addresses").get(0).path("members"), List.class));
        assertTrue(members.find("m-002").orElseThrow().mailBlocked());
        assertEquals(1, alerts.alerts().size());
        assertEquals("m-002", alerts.alerts().get(0).facts().get("member"));
    }

    @Test
    void a_transient_bounce_is_recorded_and_reported_but_the_address_kept() {
        JsonNode r = invoke(sample("ses-bounce.json").replace("\"Permanent\"", "\"Transient\"").replace("\"General\"", "\"MailboxFull\""),
                TestContext.of("r"));
        assertEquals("recorded:bounce-transient", r.path("addresses").get(0).path("result").asText());
        assertFalse(members.find("m-004").orElseThrow().mailBlocked());
        assertEquals(List.of(MailFeedbackRecorder.NOT_BLOCKED), actions("m-004"));
        assertEquals(1, alerts.alerts().size());
    }

    @Test
    void a_bounce_whose_tag_is_missing_is_matched_by_address_and_an_unknown_address_is_reported() {
        String untagged = sample("ses-bounce.json").replace("\"member\": [\"m-004\"]", "\"member\": [\"m-999\"]");
        assertEquals(List.of("m-004"), JSON.convertValue(invoke(untagged, TestContext.of("a")).path("addresses").get(0).path("members"), List.class));
        String stranger = sample("ses-bounce.json").replace("bounced@example.org", "stranger@example.org")
                .replace("0108018701a3c4f1", "0108018701a3c4f2");
        assertEquals("unmatched", invoke(stranger, TestContext.of("b")).path("addresses").get(0).path("result").asText());
        assertEquals(List.of(MailFeedbackRecorder.UNMATCHED), ledger.chain("fleet").stream().map(e -> e.record().action()).toList());
        assertEquals(2, alerts.alerts().size());
    }

    // ---- manual requests ----------------------------------------------------------------------------------------

    @Test
    void preview_renders_what_is_due_for_the_listed_members_and_sends_and_records_nothing() {
        JsonNode r = feed("preview.json");
        assertEquals("preview", r.path("action").asText());
        assertEquals(2, r.path("notices").size());
        JsonNode aroha = r.path("notices").get(0);
        assertEquals("m-001", aroha.path("member").asText());
        assertEquals("announcement", aroha.path("stage").asText());
        assertEquals("aroha@example.org", aroha.path("to").asText());
        assertEquals("TikTok must be removed from your devices by Friday 31 March 2023, 12:00 am NZDT", aroha.path("subject").asText());
        assertTrue(aroha.path("text").asText().contains("Kia ora Aroha Tūhoe"));
        assertTrue(aroha.path("text").asText().contains("iPhone 14"));
        assertEquals(0, mailer.count());
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void preview_of_everyone_is_limited_and_says_how_many_it_left_out() {
        for (int i = 10; i < 20; i++) members.save(Member.active("m-0" + i, "Member " + i, "m" + i + "@example.org", Role.STAFF));
        JsonNode r = feed("preview-all.json");
        assertEquals(5, r.path("notices").size());
        assertEquals(9, r.path("omitted").asInt());
        assertEquals(14, r.path("counts").path("due").asInt());
        assertEquals(0, mailer.count());
    }

    @Test
    void send_sends_what_is_due_to_the_listed_members_recorded_as_the_unproven_direct_invoker_not_the_name_it_wrote() {
        JsonNode r = feed("send.json");
        assertEquals("send", r.path("action").asText());
        assertEquals(2, r.path("counts").path("sent").asInt());
        assertEquals(List.of("announcement>m-001", "announcement>m-002"), sentStages());
        assertEquals("administrator:unproven:direct-invocation", ledger.chain("member#m-001").get(0).record().actor().toString());
    }

    /** What the admin function records for its sample {@code events/admin/<adminSample>}, under the id the function's sample names. */
    private void authorise(String adminSample, String id) {
        try {
            JsonNode body = JSON.readTree(JSON.readTree(ProjectLayout.root().resolve("events/admin").resolve(adminSample).toFile()).path("body").asText());
            org.appban.identity.RunAuthorisation.authorise(ledger, clock.instant(), id, NotifyCommands.FUNCTION, body.path("request"),
                    org.appban.exemption.ExemptionFixtures.proven(OPERATOR));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String OPERATOR = "arn:aws:sts::111122223333:assumed-role/appban-operator/hana";

    @Test
    void a_forced_resend_invoked_directly_is_refused_recorded_and_sends_nothing() {
        feed("schedule.json");
        int before = mailer.count();
        JsonNode r = feed("resend.json");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("a direct invocation proves nobody"), r.toString());
        assertTrue(r.path("error").asText().contains("notify.run"), "names the admin operation to use: " + r);
        assertEquals(before, mailer.count(), "nothing sent");
        assertTrue(ledger.chain("member#m-001").stream().noneMatch(e -> e.record().action().equals("notice.resend-requested")));
        LedgerEntry refused = ledger.chain("fleet").stream().filter(e -> e.record().action().equals(org.appban.identity.DirectInvocation.REFUSED))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("administrator:unproven:direct-invocation", refused.record().actor().toString());
        assertEquals("notify-members", refused.record().details().get("function"));
    }

    @Test
    void an_unblock_invoked_directly_is_refused_and_the_address_stays_blocked() {
        feed("ses-bounce.json");
        JsonNode r = feed("unblock.json");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("notify.run"), r.toString());
        assertTrue(members.find("m-004").orElseThrow().mailBlocked());
        assertEquals(List.of(MailFeedbackRecorder.BLOCKED), actions("m-004"));
    }

    @Test
    void an_authorised_resend_sends_the_stage_again_in_the_administrators_name_once_per_request_id() {
        feed("schedule.json");
        authorise("notify-run-resend.json", "run-contract-resend");
        JsonNode r = feed("run-authorised-resend.json");
        assertEquals("resend", r.path("action").asText(), r.toString());
        assertEquals("sent", r.path("results").get(0).path("result").asText(), r.toString());
        assertEquals("resend-2023-03-20-m-001", r.path("requestId").asText());
        assertEquals("run-contract-resend", r.path("authorisation").asText());
        LedgerEntry requested = ledger.chain("member#m-001").stream()
                .filter(e -> e.record().action().equals("notice.resend-requested")).findFirst().orElseThrow();
        assertTrue(requested.record().details().get("reason").startsWith("The member says"));
        assertEquals(OPERATOR, requested.record().actor().id(), "the proven administrator, from the ledger's authorisation");

        // The platform delivering the same event again (a retry) sends nothing more.
        JsonNode again = feed("run-authorised-resend.json");
        assertEquals("already-sent", again.path("results").get(0).path("result").asText(), again.toString());
        assertEquals(2, mailer.sent.stream().filter(m -> m.recipient().value().equals("aroha@example.org")).count());
    }

    @Test
    void an_authorised_resend_never_reaches_a_blocked_address() {
        members.save(members.find("m-001").orElseThrow().withMailBlocked(true));
        authorise("notify-run-resend.json", "run-contract-resend");
        assertEquals("skipped:mail-blocked", feed("run-authorised-resend.json").path("results").get(0).path("result").asText());
        assertEquals(0, mailer.count());
    }

    @Test
    void an_authorised_unblock_lets_mail_reach_the_member_again_and_records_who_and_why() {
        feed("ses-bounce.json");
        authorise("notify-run-unblock.json", "run-contract-unblock");
        JsonNode r = feed("run-authorised-unblock.json");
        assertEquals("unblocked", r.path("result").asText(), r.toString());
        assertFalse(members.find("m-004").orElseThrow().mailBlocked());
        assertEquals(List.of(MailFeedbackRecorder.BLOCKED, MailFeedbackRecorder.UNBLOCKED), actions("m-004"));
        assertEquals(OPERATOR, ledger.chain("member#m-004").stream().filter(e -> e.record().action().equals(MailFeedbackRecorder.UNBLOCKED))
                .findFirst().orElseThrow().record().actor().id());
    }

    @Test
    void a_run_authorised_event_whose_authorisation_is_not_in_the_ledger_does_nothing() {
        feed("ses-bounce.json");
        JsonNode r = feed("run-authorised-unblock.json");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("no run authorisation 'run-contract-unblock' in the ledger"), r.toString());
        assertTrue(members.find("m-004").orElseThrow().mailBlocked());
    }

    @Test
    void an_authorisation_for_another_function_is_not_carried_out_here() {
        feed("ses-bounce.json");
        org.appban.identity.RunAuthorisation.authorise(ledger, clock.instant(), "run-contract-unblock", "network-access",
                JSON.createObjectNode().put("action", "unblock").put("member", "m-004").put("reason", "not for notify-members"),
                org.appban.exemption.ExemptionFixtures.proven(OPERATOR));
        JsonNode r = feed("run-authorised-unblock.json");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("is for network-access, not notify-members"), r.toString());
        assertTrue(members.find("m-004").orElseThrow().mailBlocked());
    }

    @Test
    void the_digest_schedule_sends_the_administrators_their_digest_once_a_day() {
        JsonNode r = feed("schedule-admin-digest.json");
        assertEquals("done", r.path("status").asText(), r.toString());
        assertEquals(List.of("admin-digest>admin-1"), sentStages());
        assertEquals("already-sent", feed("schedule-admin-digest.json").path("results").path(0).path("result").asText());
        assertEquals(1, mailer.sent.size());
    }

    /** The handler of a stage whose own work queue is {@code queue}. */
    private NotifyMembersHandler withWorkQueue(String queue, List<String> handedOn) {
        NoticeComposer composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none());
        NotifyMembers notify = new NotifyMembers(POLICY, members, devices, exemptions, claims, ledger, Attestations.fromLedger(ledger),
                new NoticePlanner(POLICY), composer, new NoticeSender(claims, ledger, mailer, clock, Duration.ofMinutes(16), PSEUDONYMS), clock);
        return new NotifyMembersHandler(notify, new MailFeedbackRecorder(members, ledger, alerts, clock, PSEUDONYMS), null,
                new NoticeRound(notify, new org.appban.work.WorkSteps(
                        new org.appban.work.ContinuationGate(NoticeRound.KIND, queue, ContinuationJson.JSON, claims, ledger, clock), handedOn::add), 4, clock));
    }

    @Test
    void a_step_of_the_daily_round_runs_its_part_from_the_cursor_on_its_own_stage_and_is_refused_on_another() {
        List<String> handedOn = new java.util.ArrayList<>();
        handler = withWorkQueue("https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-NotifyWork", handedOn);
        JsonNode refused = feed("sqs-continuation.json");
        assertEquals("refused", refused.path("steps").path(0).path("status").asText(), refused.toString());
        assertEquals("other-stage", refused.path("steps").path(0).path("reason").asText());
        assertEquals(0, mailer.count());

        handler = withWorkQueue("https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-NotifyWork", handedOn);
        JsonNode step = feed("sqs-continuation.json").path("steps").path(0);
        assertEquals("part-done", step.path("status").asText(), step.toString());
        // The part (the whole roster: part 0 of 1) after m-001: the three others are announced.
        assertEquals(3, step.path("members").asInt(), step.toString());
        assertEquals(List.of("bounced@example.org", "mere@example.org", "sean@example.org"),
                mailer.sent.stream().map(m -> m.recipient().value()).sorted().toList());
        assertEquals(List.of(), handedOn);
    }

    @Test
    void without_a_work_queue_an_sqs_batch_is_refused_by_its_kind_and_nothing_happens() {
        JsonNode r = invoke(sample("sqs-continuation.json"), TestContext.of("r"));
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.toString().contains("this function is not triggered by an SQS batch"), r.toString());
        assertEquals(0, mailer.count());
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void every_sample_event_is_covered_by_a_test_here() throws IOException {
        Set<String> covered = new TreeSet<>(List.of("schedule.json", "schedule-admin-digest.json", "device-status-changed.json", "preview.json", "preview-all.json",
                "send.json", "resend.json", "unblock.json", "ses-bounce.json", "ses-complaint.json", "run-authorised-resend.json",
                "run-authorised-unblock.json", "sqs-continuation.json"));
        requests().forEach(r -> covered.add((String) r[0]));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(EVENTS)) {
            files.filter(p -> p.toString().endsWith(".json")).forEach(p -> present.add(p.getFileName().toString()));
        }
        assertEquals(present, covered);
    }

    // ---- malformed ----------------------------------------------------------------------------------------------

    /** For each malformed sample: what the rejection must name (each "where: problem" fragment must appear). */
    static final Map<String, List<String>> MALFORMED = Map.ofEntries(
            Map.entry("not-json.json", List.of("not valid JSON")),
            Map.entry("empty-object.json", List.of("not a notify-members event")),
            Map.entry("a-list.json", List.of("not a trigger appban knows: a JSON array")),
            Map.entry("unknown-action.json", List.of("action: 'delete-everyone' is not one of preview, send, resend, unblock")),
            Map.entry("preview-unknown-field.json", List.of("member: unknown field")),
            Map.entry("preview-wrong-types.json", List.of("members: must be a list of strings, found a string", "limit: must be a whole number, found a string")),
            Map.entry("preview-limit-too-high.json", List.of("limit: must be from 1 to 200")),
            Map.entry("send-no-members.json", List.of("members: must list at least one member")),
            Map.entry("send-bad-member-entries.json", List.of("members[1]: must be a non-empty string, found a number", "members[2]: must be a non-empty string")),
            Map.entry("resend-without-force.json", List.of("force: is required")),
            Map.entry("resend-force-false.json", List.of("force: must be true")),
            Map.entry("resend-no-reason.json", List.of("reason: is required")),
            Map.entry("resend-event-driven-stage.json", List.of("stage: 'access-revoked' is not a scheduled stage of policy nz-parliament-tiktok-2023 (announcement, reminder-7d, reminder-2d, deadline, overdue)")),
            Map.entry("resend-unknown-stage.json", List.of("stage: 'reminder-9d' is not a scheduled stage", "force: must be true or false, found a string", "reason: must say why")),
            Map.entry("unblock-no-reason.json", List.of("reason: is required")),
            Map.entry("schedule-wrong-trigger.json", List.of("trigger: 'cron' is not 'schedule'", "dryRun: unknown field")),
            Map.entry("schedule-bad-name.json", List.of("schedule: must be 1 to 64 letters")),
            Map.entry("device-status-unknown-field.json", List.of("detail.colour: unknown field")),
            Map.entry("device-status-bad-values.json", List.of("detail.change: 'exploded' is not a change", "detail.at: '2023-04-04 14:25' is not a date-time with an offset")),
            Map.entry("notice-requested-scheduled-kind.json", List.of("'reminder' is a scheduled stage; requests are for event-driven kinds only")),
            Map.entry("notice-requested-without-device.json", List.of("access-revoked needs the device it is about")),
            Map.entry("notice-requested-unknown-field.json", List.of("email: unknown field")),
            Map.entry("notice-requested-foreign-source.json", List.of("source: 'evil.example' may not request notices")),
            Map.entry("unknown-detail-type.json", List.of("detail-type: no notify-members trigger for source 'appban.inventory' and detail-type 'DeviceDeleted'")),
            Map.entry("eventbridge-without-detail.json", List.of("detail: is required")),
            Map.entry("ses-bounce-without-recipients.json", List.of("detail.bounce.bouncedRecipients: lists no recipient")),
            Map.entry("ses-bounce-that-says-complaint.json", List.of("detail.eventType: 'Complaint' does not match the event's detail-type (bounce)")),
            Map.entry("ses-bounce-missing-ids.json", List.of("detail.bounce.feedbackId: is required", "detail.mail.messageId: must be a string, found a number")));

    static Stream<String> malformed() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS.resolve("malformed"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void a_malformed_event_is_rejected_naming_every_problem_and_nothing_happens(String file) {
        List<String> expected = MALFORMED.get(file);
        assertTrue(expected != null, "no expectation written for malformed/" + file);
        JsonNode r = invoke(sample("malformed/" + file), TestContext.of("r"));
        assertEquals("rejected", r.path("status").asText(), r.toString());
        List<String> problems = new ArrayList<>();
        r.path("problems").forEach(p -> problems.add(p.path("where").asText() + ": " + p.path("problem").asText()));
        String all = r.path("error").asText() + "\n" + String.join("\n", problems);
        for (String fragment : expected) assertTrue(all.contains(fragment), "'" + fragment + "' not in:\n" + all);
        assertEquals(0, mailer.count());
        assertTrue(ledger.chains().isEmpty());
        assertTrue(alerts.alerts().isEmpty());
    }
}
