package org.appban.notice;

import org.appban.testing.TestClock;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.mail.MimeWriter;
import org.appban.policy.StageKind;
import org.appban.mail.Mailer;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifyMembersTest {
    private static final NoticeRenderer RENDERER = new NoticeRenderer(POLICY, TemplateSet.bundled());
    private static final Actor DAILY = Actor.schedule("notify-daily");

    private final TestClock clock = new TestClock(nz("2023-03-17T09:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    private final InMemoryClaims claims = new InMemoryClaims();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RecordingMailer mailer = new RecordingMailer();
    private NotifyMembers notify;

    @BeforeEach
    void roster() {
        members.save(Member.active("m-1", "Aroha Tūhoe", "aroha@example.org", Role.MEMBER));
        members.save(Member.active("m-2", "Sean O'Brien", "sean@example.org", Role.STAFF));
        members.save(Member.active("m-3", "Left Last Year", "left@example.org", Role.STAFF).deactivated());
        members.save(Member.active("m-4", "Bounced", "bounced@example.org", Role.STAFF).withMailBlocked(true));
        devices.save(corporate("d-1", "m-1", Platform.IOS, "iPhone 14", AppPresence.PRESENT));
        notify = service(mailer);
    }

    private NotifyMembers service(Mailer m) {
        NoticePlanner planner = new NoticePlanner(POLICY);
        NoticeComposer composer = new NoticeComposer(POLICY, RENDERER, new MimeWriter(),
                (member, stage, now) -> new NoticeLinks("https://appban.example.org/exempt/" + member.id(), null));
        return new NotifyMembers(POLICY, members, devices, exemptions, claims, ledger, Attestations.fromLedger(ledger),
                planner, composer, new NoticeSender(claims, ledger, m, clock, Duration.ofMinutes(16), org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock);
    }

    private static String resultOf(NotifyReport r, String member) {
        return r.members().stream().filter(m -> m.member().equals(member)).findFirst().orElseThrow().result();
    }

    @Test
    void the_announcement_goes_to_active_members_only() {
        NotifyReport r = notify.runScheduled(DAILY, "run-1");
        assertEquals(Map.of("sent", 2, "skipped:inactive", 1, "skipped:mail-blocked", 1), r.counts());
        assertEquals(2, mailer.count());
    }

    @Test
    void a_second_run_on_the_same_day_sends_nothing() {
        notify.runScheduled(DAILY, "run-1");
        clock.advance(Duration.ofHours(4));
        NotifyReport again = notify.runScheduled(DAILY, "run-2");
        assertEquals(Map.of("skipped:already-sent", 2, "skipped:inactive", 1, "skipped:mail-blocked", 1), again.counts());
        assertEquals(2, mailer.count());
    }

    @Test
    void two_scheduled_runs_at_once_send_each_member_one_email() throws Exception {
        for (int i = 10; i < 60; i++) members.save(Member.active("m-" + i, "Member " + i, "m" + i + "@example.org", Role.STAFF));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<NotifyReport> a = pool.submit(() -> notify.runScheduled(DAILY, "run-a"));
        Future<NotifyReport> b = pool.submit(() -> notify.runScheduled(DAILY, "run-b"));
        a.get();
        b.get();
        pool.shutdown();
        assertEquals(52, mailer.count());
        assertEquals(52, mailer.sent.stream().map(m -> m.recipient().value()).distinct().count());
    }

    @Test
    void members_worked_on_in_parallel_each_get_one_email_and_the_report_keeps_roster_order() throws Exception {
        for (int i = 10; i < 60; i++) members.save(Member.active("m-" + i, "Member " + i, "m" + i + "@example.org", Role.STAFF));
        NotifyMembers parallel = new NotifyMembers(POLICY, members, devices, exemptions, claims, ledger, Attestations.fromLedger(ledger),
                new NoticePlanner(POLICY), new NoticeComposer(POLICY, RENDERER, new MimeWriter(), LinkIssuer.none()),
                new NoticeSender(claims, ledger, mailer, clock, Duration.ofMinutes(16), org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock, 6);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<NotifyReport> a = pool.submit(() -> parallel.runScheduled(DAILY, "run-a"));
        Future<NotifyReport> b = pool.submit(() -> parallel.runScheduled(DAILY, "run-b"));
        NotifyReport ra = a.get();
        b.get();
        pool.shutdown();
        assertEquals(52, mailer.count());
        assertEquals(52, mailer.sent.stream().map(m -> m.recipient().value()).distinct().count());
        assertEquals(members.all().stream().map(Member::id).toList(), ra.members().stream().map(NotifyReport.MemberResult::member).toList());
    }

    @Test
    void an_account_wide_refusal_stops_a_parallel_run_too() {
        for (int i = 10; i < 60; i++) members.save(Member.active("m-" + i, "Member " + i, "m" + i + "@example.org", Role.STAFF));
        RecordingMailer paused = new RecordingMailer();
        paused.before = m -> {
            throw new Mailer.Rejected("SendingPausedException", "sending is paused", true, null);
        };
        NotifyMembers parallel = new NotifyMembers(POLICY, members, devices, exemptions, claims, ledger, Attestations.fromLedger(ledger),
                new NoticePlanner(POLICY), new NoticeComposer(POLICY, RENDERER, new MimeWriter(), LinkIssuer.none()),
                new NoticeSender(claims, ledger, paused, clock, Duration.ofMinutes(16), org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock, 4);
        NotifyReport r = parallel.runScheduled(DAILY, "run-1");
        assertNotNull(r.stoppedBy());
        assertTrue(r.counts().getOrDefault("rejected", 0) <= 4, r.counts().toString());
        assertTrue(r.counts().get("not-attempted") >= 44, r.counts().toString());
    }

    @Test
    void reminders_stop_for_a_member_who_complied() {
        notify.runScheduled(DAILY, "run-1");
        devices.save(corporate("d-1", "m-1", Platform.IOS, "iPhone 14", AppPresence.ABSENT));
        clock.set(nz("2023-03-24T09:00"));
        NotifyReport r = notify.runScheduled(DAILY, "run-2");
        assertEquals("skipped:already-sent", resultOf(r, "m-1"));
        assertEquals("skipped:already-sent", resultOf(r, "m-2"), "no known device: the announcement was enough");
    }

    @Test
    void the_campaign_runs_day_by_day_for_a_member_who_keeps_the_app() {
        devices.save(personal("d-9", "m-1", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT));
        List<String> days = List.of("2023-03-17", "2023-03-20", "2023-03-24", "2023-03-27", "2023-03-29", "2023-03-31",
                "2023-04-03", "2023-04-04");
        for (String day : days) {
            clock.set(nz(day + "T09:00"));
            notify.runFor(List.of("m-1"), DAILY, "run-" + day);
        }
        assertEquals(List.of("announcement", "reminder-7d", "reminder-2d", "deadline", "overdue"),
                mailer.sent.stream().map(m -> m.tags().get("stage")).toList());
    }

    @Test
    void a_device_found_with_the_app_late_brings_one_catch_up_notice_that_day() {
        notify.runScheduled(DAILY, "run-1");
        clock.set(nz("2023-04-04T14:30"));
        devices.save(personal("d-7", "m-2", Platform.ANDROID, "Galaxy S22", ComplianceState.NONCOMPLIANT));
        NotifyReport r = notify.runFor(List.of("m-2"), Actor.event("evt-1"), "run-evt-1");
        assertEquals("sent", resultOf(r, "m-2"));
        assertEquals("overdue", r.members().get(0).stage());
        NotifyReport again = notify.runFor(List.of("m-2"), Actor.event("evt-2"), "run-evt-2");
        assertEquals("skipped:already-sent", resultOf(again, "m-2"));
        assertEquals(3, mailer.count(), "two announcements, one catch-up");
    }

    @Test
    void a_run_out_of_time_stops_between_members_and_the_next_run_sends_the_rest() {
        for (int i = 10; i < 20; i++) members.save(Member.active("m-" + i, "Member " + i, "m" + i + "@example.org", Role.STAFF));
        int[] checks = {0};
        NotifyReport first = notify.runScheduled(DAILY, "run-1", () -> ++checks[0] > 5);
        assertEquals(NotifyMembers.OUT_OF_TIME, first.stoppedBy());
        assertEquals(5, first.members().stream().filter(m -> !m.result().equals("not-attempted")).count());
        NotifyReport second = notify.runScheduled(DAILY, "run-1");
        assertEquals(null, second.stoppedBy());
        assertEquals(12, mailer.count(), "every active, unblocked member got the announcement exactly once");
    }

    @Test
    void a_preview_renders_what_is_due_and_sends_and_records_nothing() {
        NotifyReport r = notify.preview(List.of());
        assertTrue(r.preview());
        assertEquals(Map.of("due", 2, "skipped:inactive", 1, "skipped:mail-blocked", 1), r.counts());
        ComposedNotice n = r.members().stream().filter(m -> m.member().equals("m-1")).findFirst().orElseThrow().preview();
        assertNotNull(n);
        assertEquals("TikTok must be removed from your devices by Friday 31 March 2023, 12:00 am NZDT", n.rendered().subject());
        assertEquals(0, mailer.count());
        assertTrue(ledger.chains().isEmpty());
        assertTrue(claims.state(n.key()).isEmpty());
    }

    @Test
    void a_member_with_an_address_that_cannot_be_mailed_is_reported_and_the_others_still_get_theirs() {
        members.save(Member.active("m-5", "Evil", "evil@example.org\r\nBcc: x@y.z", Role.STAFF));
        NotifyReport r = notify.runScheduled(DAILY, "run-1");
        assertEquals("invalid-address", resultOf(r, "m-5"));
        assertEquals(2, mailer.count());
        assertTrue(r.members().stream().filter(m -> m.member().equals("m-5")).findFirst().orElseThrow().detail()
                .contains("\\x0d\\x0a"));
    }

    @Test
    void an_account_wide_refusal_stops_the_run_and_leaves_the_rest_for_later() {
        NotifyMembers paused = service(mail -> {
            throw new Mailer.Rejected("SendingPausedException", "Sending is paused for this account.", true, null);
        });
        NotifyReport r = paused.runScheduled(DAILY, "run-1");
        assertEquals("rejected", resultOf(r, "m-1"));
        assertEquals("not-attempted", resultOf(r, "m-2"));
        assertTrue(r.stoppedBy().contains("Sending is paused"));
        NotifyReport later = notify.runScheduled(DAILY, "run-2");
        assertEquals(Map.of("sent", 2, "skipped:inactive", 1, "skipped:mail-blocked", 1), later.counts());
    }

    @Test
    void an_attestation_in_the_ledger_stops_the_reminders() {
        devices.save(personal("d-8", "m-2", Platform.OTHER, null, ComplianceState.NOT_ENROLLED));
        notify.runScheduled(DAILY, "run-1");
        ledger.append(new LedgerRecord(nz("2023-03-20T10:00"), Actor.event("attest-1"), "m-2", null,
                Attestations.ACTION, "ok", false, "attest/m-2/1", Map.of()));
        clock.set(nz("2023-03-24T09:00"));
        NotifyReport r = notify.runScheduled(DAILY, "run-2");
        assertEquals("skipped:already-sent", resultOf(r, "m-2"));
        assertEquals("sent", resultOf(r, "m-1"));
    }

    @Test
    void a_requested_notice_goes_once_per_occasion() {
        devices.save(personal("d-9", "m-1", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT));
        clock.set(nz("2023-04-07T09:05"));
        NoticeRequest revoked = new NoticeRequest(StageKind.ACCESS_REVOKED, "m-1", "d-9", null, nz("2023-04-07T09:00"), "nac/d-9/1");
        assertEquals("sent", notify.request(revoked, Actor.event("nac-1"), "run-nac-1").members().get(0).result());
        assertEquals("already-sent", notify.request(revoked, Actor.event("nac-1-retry"), "run-nac-2").members().get(0).result());
        NoticeRequest secondTime = new NoticeRequest(StageKind.ACCESS_REVOKED, "m-1", "d-9", null, nz("2023-04-20T09:00"), "nac/d-9/2");
        assertEquals("sent", notify.request(secondTime, Actor.event("nac-2"), "run-nac-3").members().get(0).result());
        assertEquals(2, mailer.count());
        assertEquals("d-9", ledger.chain("member#m-1").get(0).record().device());
    }

    @Test
    void a_forced_resend_sends_again_and_records_who_and_why() {
        notify.runScheduled(DAILY, "run-1");
        Actor admin = Actor.administrator("arn:aws:iam::111122223333:user/ict-admin");
        NotifyReport r = notify.resend("m-1", "announcement", "member says it went to junk", "req-42", admin);
        assertEquals("sent", r.members().get(0).result());
        assertEquals("already-sent", notify.resend("m-1", "announcement", "retry", "req-42", admin).members().get(0).result());
        assertEquals(3, mailer.count());
        LedgerRecord requested = ledger.chain("member#m-1").stream().map(e -> e.record())
                .filter(rec -> rec.action().equals("notice.resend-requested")).findFirst().orElseThrow();
        assertEquals("member says it went to junk", requested.details().get("reason"));
        assertEquals(admin, requested.actor());
    }

    @Test
    void listed_members_not_on_the_roster_are_named() {
        NotifyReport r = notify.runFor(List.of("m-1", "nobody"), DAILY, "run-1");
        assertEquals("sent", resultOf(r, "m-1"));
        assertEquals("unknown-member", resultOf(r, "nobody"));
    }

    @Test
    void nothing_goes_out_before_the_announcement() {
        clock.set(nz("2023-03-17T08:59"));
        assertEquals(Map.of("skipped:not-yet", 2, "skipped:inactive", 1, "skipped:mail-blocked", 1),
                notify.runScheduled(DAILY, "run-0").counts());
        assertEquals(Instant.parse("2023-03-16T19:59:00Z"), clock.instant());
    }
}
