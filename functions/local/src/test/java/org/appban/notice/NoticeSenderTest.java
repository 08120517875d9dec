package org.appban.notice;

import org.appban.testing.TestClock;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.LedgerEntry;
import org.appban.domain.Platform;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.mail.MimeWriter;
import org.appban.ports.Claims;
import org.appban.ports.Ledger;
import org.appban.mail.Mailer;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryLedger;
import org.junit.jupiter.api.Test;

class NoticeSenderTest {
    private static final Duration LEASE = Duration.ofMinutes(16);
    private static final Actor DAILY = Actor.schedule("notify-daily");
    private static final NoticeComposer COMPOSER = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()),
            new MimeWriter(), LinkIssuer.none());

    private final TestClock clock = new TestClock(nz("2023-03-17T09:00"));
    private final InMemoryClaims claims = new InMemoryClaims();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RecordingMailer mailer = new RecordingMailer();
    private final NoticeSender sender = new NoticeSender(claims, ledger, mailer, clock, LEASE, org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000"));
    private final ComposedNotice announcement = compose();

    /** Stands for the process dying: nothing after it runs, and nobody catches it. */
    static final class Crash extends Error {
    }

    private ComposedNotice compose() {
        MemberSnapshot s = MemberSnapshot.of(member("m-1"),
                List.of(corporate("d-1", "m-1", Platform.IOS, "iPhone 14", AppPresence.PRESENT)), List.of());
        DueNotice n = new NoticePlanner(POLICY).due(s, nz("2023-03-17T09:00")).due().get(0);
        return COMPOSER.compose(n, nz("2023-03-17T09:00"));
    }

    private List<String> actions() {
        return ledger.chain("member#m-1").stream().map(e -> e.record().action() + ":" + e.record().outcome()).toList();
    }

    @Test
    void sends_once_recording_the_intent_before_and_the_outcome_after() {
        Delivery d = sender.send(announcement, DAILY, "run-1");

        assertEquals(Delivery.Status.SENT, d.status());
        assertEquals("ses-1", d.providerMessageId());
        assertEquals(1, mailer.count());
        assertEquals(List.of("notice.send-intent:pending", "notice.sent:ok"), actions());
        LedgerEntry sent = ledger.byIdempotencyKey(announcement.key() + "/sent").orElseThrow();
        assertEquals("ses-1", sent.record().details().get("providerMessageId"));
        assertEquals("announcement", sent.record().details().get("stage"));
        Claims.State state = claims.state(announcement.key()).orElseThrow();
        assertTrue(state.completed());
        assertEquals("sent:ses-1", state.outcome());
    }

    @Test
    void a_subject_naming_the_member_is_kept_in_the_ledger_only_as_a_keyed_hash() {
        // A policy may write the member's name and device into a subject; the email says it, the ledger must not.
        BanPolicy p = POLICY;
        List<NoticeStage> stages = p.notices().stages().stream().map(s -> s.kind() != org.appban.policy.StageKind.ANNOUNCEMENT ? s
                : new NoticeStage(s.id(), s.kind(), s.offsetDays(), "{{memberName}}, remove {{appName}} from {{#devices}}{{label}} {{/devices}}")).toList();
        BanPolicy named = new BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(), p.announcement(), p.deadline(),
                new BanPolicy.Notices(p.notices().sendTime(), p.notices().weekendDaysBeforeDeadline(), p.notices().holidays(), stages,
                        p.notices().notSent(), p.notices().languages()), p.privateDevices(), p.enforcement(), p.exemptions(), p.sender(), p.contact());
        NoticeComposer composer = new NoticeComposer(named, new NoticeRenderer(named, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none());
        MemberSnapshot s = MemberSnapshot.of(member("m-2"),
                List.of(corporate("d-2", "m-2", Platform.IOS, "iPhone 14", AppPresence.PRESENT)), List.of());
        ComposedNotice notice = composer.compose(new NoticePlanner(named).due(s, nz("2023-03-17T09:00")).due().get(0), nz("2023-03-17T09:00"));
        assertTrue(notice.rendered().subject().startsWith("Aroha Tūhoe, remove TikTok from "), notice.rendered().subject());

        assertEquals(Delivery.Status.SENT, sender.send(notice, DAILY, "run-1").status());
        List<LedgerEntry> entries = ledger.chain("member#m-2");
        assertEquals(2, entries.size(), "the intent and the sent entry");
        for (LedgerEntry e : entries) {
            assertFalse(e.record().toString().contains("Aroha"), "no name in the ledger: " + e.record());
            assertFalse(e.record().details().containsKey("subject"), e.record().details().toString());
            assertEquals(org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000").text("subject", notice.rendered().subject()),
                    e.record().details().get("subjectHmac"), "whoever holds the key can show which subject it was");
        }

        // The bundled policy's subjects name only the app and the deadline: they stay readable.
        sender.send(announcement, DAILY, "run-2");
        LedgerEntry plain = ledger.byIdempotencyKey(announcement.key() + "/sent").orElseThrow();
        assertEquals(announcement.rendered().subject(), plain.record().details().get("subject"));
        assertFalse(plain.record().details().containsKey("subjectHmac"));
    }

    @Test
    void sending_the_same_notice_again_sends_nothing() {
        sender.send(announcement, DAILY, "run-1");
        clock.advance(Duration.ofHours(3));
        Delivery again = sender.send(announcement, DAILY, "run-2");

        assertEquals(Delivery.Status.ALREADY_SENT, again.status());
        assertEquals("ses-1", again.providerMessageId());
        assertEquals(1, mailer.count());
        assertEquals(2, ledger.chain("member#m-1").size(), "nothing recorded for a notice already sent");
    }

    @Test
    void of_two_concurrent_runs_one_sends_and_the_other_stands_aside() throws Exception {
        CountDownLatch firstIsSending = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        mailer.before = m -> {
            firstIsSending.countDown();
            try {
                assertTrue(secondDone.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Delivery> first = pool.submit(() -> sender.send(announcement, DAILY, "run-a"));
        assertTrue(firstIsSending.await(10, TimeUnit.SECONDS));
        Delivery second = sender.send(announcement, DAILY, "run-b");
        secondDone.countDown();

        assertEquals(Delivery.Status.IN_PROGRESS_ELSEWHERE, second.status());
        assertEquals(Delivery.Status.SENT, first.get(10, TimeUnit.SECONDS).status());
        assertEquals(1, mailer.count());
        pool.shutdown();
    }

    @Test
    void of_eight_runs_racing_for_the_same_notice_exactly_one_sends() throws Exception {
        int runs = 8;
        CyclicBarrier start = new CyclicBarrier(runs);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        List<Future<Delivery>> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String holder = "run-" + i;
            results.add(pool.submit(() -> {
                start.await();
                return sender.send(announcement, DAILY, holder);
            }));
        }
        int sent = 0;
        for (Future<Delivery> f : results) {
            Delivery.Status s = f.get(10, TimeUnit.SECONDS).status();
            if (s == Delivery.Status.SENT) sent++;
            else assertTrue(s == Delivery.Status.IN_PROGRESS_ELSEWHERE || s == Delivery.Status.ALREADY_SENT, s.toString());
        }
        pool.shutdown();
        assertEquals(1, sent);
        assertEquals(1, mailer.count());
    }

    /**
     * The documented crash window: SES accepted the message, then the process died before the outcome was
     * recorded. Until the lease ends nobody sends; after it, the next run takes over and sends again, with the
     * same Message-ID, and its intent says it took over, so the possible duplicate is on record.
     */
    @Test
    void a_crash_between_the_send_and_its_record_can_send_twice_and_says_so() {
        mailer.after = m -> {
            throw new Crash();
        };
        assertThrows(Crash.class, () -> sender.send(announcement, DAILY, "run-1"));
        mailer.after = m -> { };
        assertEquals(1, mailer.count());

        clock.advance(Duration.ofMinutes(5));
        assertEquals(Delivery.Status.IN_PROGRESS_ELSEWHERE, sender.send(announcement, DAILY, "run-2").status());
        assertEquals(1, mailer.count(), "nobody sends while the crashed run's lease lasts");

        clock.advance(LEASE);
        Delivery takeover = sender.send(announcement, DAILY, "run-3");
        assertEquals(Delivery.Status.SENT, takeover.status());
        assertTrue(takeover.takenOver());
        assertEquals(2, mailer.count());
        assertEquals(mailer.sent.get(0).mime().messageId(), mailer.sent.get(1).mime().messageId(),
                "both copies carry one Message-ID, which mail clients collapse");
        List<LedgerEntry> chain = ledger.chain("member#m-1");
        assertEquals(List.of("notice.send-intent:pending", "notice.outcome-unknown:unknown", "notice.send-intent:pending", "notice.sent:ok"), actions());
        assertEquals("false", chain.get(0).record().details().get("takeover"));
        assertEquals("run-1", chain.get(1).record().details().get("earlierAttempt"), "the attempt whose copy may be out is named");
        assertEquals("true", chain.get(2).record().details().get("takeover"));
        assertTrue(chain.get(3).record().details().get("earlierAttempt").startsWith("run-1"), "the outcome accounts for the earlier copy");
    }

    /**
     * The platform retries the crashed invocation under the same request id: it re-enters its own claim at once, and
     * as the outcome is unknown it sends again (the documented window), saying so in the ledger.
     */
    @Test
    void a_retry_under_the_same_request_id_after_a_crash_in_the_window_sends_again_and_says_so() {
        mailer.after = m -> {
            throw new Crash();
        };
        assertThrows(Crash.class, () -> sender.send(announcement, DAILY, "req-1"));
        mailer.after = m -> { };

        Delivery retry = sender.send(announcement, DAILY, "req-1");
        assertEquals(Delivery.Status.SENT, retry.status());
        assertEquals(2, mailer.count());
        assertEquals(List.of("notice.send-intent:pending", "notice.outcome-unknown:unknown", "notice.sent:ok"), actions());
        assertTrue(ledger.byIdempotencyKey(announcement.key() + "/sent").orElseThrow().record().details().get("earlierAttempt").startsWith("req-1"));
    }

    /** A retry that is throttled gives the claim back; the trace of the possible earlier copy stays in the ledger. */
    @Test
    void the_trace_of_a_possible_earlier_copy_survives_a_throttled_retry() {
        mailer.after = m -> {
            throw new Crash();
        };
        assertThrows(Crash.class, () -> sender.send(announcement, DAILY, "req-1"));
        mailer.after = m -> { };
        mailer.before = m -> {
            throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
        };
        assertEquals(Delivery.Status.THROTTLED, sender.send(announcement, DAILY, "req-1").status());
        assertTrue(claims.state(announcement.key()).isEmpty(), "released: nothing went out in this attempt");
        mailer.before = m -> { };

        assertEquals(Delivery.Status.SENT, sender.send(announcement, DAILY, "run-2").status());
        assertTrue(ledger.byIdempotencyKey(announcement.key() + "/sent").orElseThrow().record().details().get("earlierAttempt").startsWith("req-1"));
    }

    /** A crash right after the outcome is written: the retry finds it, completes the claim and sends nothing. */
    @Test
    void a_retry_after_a_crash_between_the_outcome_and_the_claim_sends_nothing() {
        Ledger crashing = new org.appban.ports.ForwardingLedger(ledger) {
            @Override
            public Appended append(org.appban.domain.LedgerRecord record) {
                Appended a = delegate.append(record);
                if (record.action().equals("notice.sent")) throw new Crash();
                return a;
            }
        };
        assertThrows(Crash.class, () -> new NoticeSender(claims, crashing, mailer, clock, LEASE, org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")).send(announcement, DAILY, "req-1"));
        assertEquals(Delivery.Status.ALREADY_SENT, sender.send(announcement, DAILY, "req-1").status());
        assertEquals(1, mailer.count());
        assertTrue(claims.state(announcement.key()).orElseThrow().completed());
    }

    @Test
    void a_crash_after_the_outcome_is_recorded_never_sends_twice() {
        Claims crashingOnComplete = new Claims() {
            boolean crashed;

            @Override
            public Outcome claim(String key, String holder, Instant now, Duration lease) {
                return claims.claim(key, holder, now, lease);
            }

            @Override
            public void complete(String key, String holder, String outcome, Instant now) {
                if (!crashed) {
                    crashed = true;
                    throw new Crash();
                }
                claims.complete(key, holder, outcome, now);
            }

            @Override
            public void release(String key, String holder) {
                claims.release(key, holder);
            }

            @Override
            public void note(String key, String value, Instant now) {
                claims.note(key, value, now);
            }

            @Override
            public Optional<State> state(String key) {
                return claims.state(key);
            }
        };
        NoticeSender crashing = new NoticeSender(crashingOnComplete, ledger, mailer, clock, LEASE, org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000"));
        assertThrows(Crash.class, () -> crashing.send(announcement, DAILY, "run-1"));

        clock.advance(LEASE.plusMinutes(1));
        Delivery d = crashing.send(announcement, DAILY, "run-2");
        assertEquals(Delivery.Status.ALREADY_SENT, d.status());
        assertEquals("ses-1", d.providerMessageId());
        assertEquals(1, mailer.count());
        assertTrue(claims.state(announcement.key()).orElseThrow().completed(), "the takeover finished the crashed run's work");
    }

    @Test
    void a_crash_before_the_send_sends_once_after_the_lease() {
        mailer.before = m -> {
            throw new Crash();
        };
        assertThrows(Crash.class, () -> sender.send(announcement, DAILY, "run-1"));
        mailer.before = m -> { };
        clock.advance(LEASE.plusMinutes(1));
        assertEquals(Delivery.Status.SENT, sender.send(announcement, DAILY, "run-2").status());
        assertEquals(1, mailer.count());
    }

    @Test
    void a_throttled_send_releases_the_claim_so_the_next_run_sends_it() {
        mailer.before = m -> {
            throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
        };
        Delivery d = sender.send(announcement, DAILY, "run-1");
        assertEquals(Delivery.Status.THROTTLED, d.status());
        assertFalse(d.accountWide());
        assertTrue(claims.state(announcement.key()).isEmpty());
        assertEquals(List.of("notice.send-intent:pending", "notice.send-failed:throttled"), actions());

        mailer.before = m -> { };
        assertEquals(Delivery.Status.SENT, sender.send(announcement, DAILY, "run-2").status());
        assertEquals(1, mailer.count());
    }

    @Test
    void an_account_wide_rejection_is_reported_as_such() {
        mailer.before = m -> {
            throw new Mailer.Rejected("SendingPausedException", "Sending is paused for this account.", true, null);
        };
        Delivery d = sender.send(announcement, DAILY, "run-1");
        assertEquals(Delivery.Status.REJECTED, d.status());
        assertTrue(d.accountWide());
        assertTrue(claims.state(announcement.key()).isEmpty());
    }

    @Test
    void an_unknown_outcome_keeps_the_claim_until_the_lease_ends_then_a_later_run_sends() {
        mailer.before = m -> {
            throw new IllegalStateException("read timed out");
        };
        Delivery d = sender.send(announcement, DAILY, "run-1");
        assertEquals(Delivery.Status.UNKNOWN, d.status());
        assertEquals(List.of("notice.send-intent:pending", "notice.send-failed:unknown"), actions());

        mailer.before = m -> { };
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Delivery.Status.IN_PROGRESS_ELSEWHERE, sender.send(announcement, DAILY, "run-2").status());
        clock.advance(LEASE);
        Delivery later = sender.send(announcement, DAILY, "run-3");
        assertEquals(Delivery.Status.SENT, later.status());
        assertTrue(later.takenOver());
    }
}
