package org.appban.notice;

import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.NotifyRoundWorld.SCHEDULE;
import static org.appban.notice.NotifyRoundWorld.context;
import static org.appban.notice.NotifyRoundWorld.sqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.appban.domain.LedgerEntry;
import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.TestClock;
import org.appban.testing.TimeLimit;
import org.appban.work.Continuation;
import org.appban.work.ContinuationGate;
import org.appban.work.ContinuationJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daily round as work on the function's own queue: cut by the time limit anywhere, it hands the rest on and
 * finishes every part exactly once (every due notice mailed once, nothing failed on purpose); what comes in on the
 * queue that is not this stage's next step is refused and recorded.
 */
class NotifyRoundTest {
    private static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-NotifyWork";
    private static final int ACTIVE = 23;

    private final TestClock clock = new TestClock(nz("2023-03-17T09:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private InMemoryClaims claims = new InMemoryClaims();
    private InMemoryLedger ledger = new InMemoryLedger();
    private RecordingMailer mailer = new RecordingMailer();
    private final Deque<String> queue = new ArrayDeque<>();
    private NotifyMembersHandler handler;

    @BeforeEach
    void roster() {
        NotifyRoundWorld.populate(stores(), ACTIVE, "");
        handler = handler(3);
    }

    private NotifyRoundWorld.Stores stores() {
        return new NotifyRoundWorld.Stores(members, devices, new InMemoryExemptionStore(), claims, ledger);
    }

    private NotifyMembersHandler handler(int parts) {
        return NotifyRoundWorld.handler(stores(), mailer, clock, Duration.ofMinutes(16), queue::add, QUEUE, parts);
    }

    @Test
    void the_schedule_hands_the_round_on_as_one_message_per_part_and_sends_nothing_itself() {
        JsonNode out = invoke(SCHEDULE, context("s", () -> false));
        assertEquals("handed-on", out.path("status").asText());
        assertEquals(3, queue.size());
        assertEquals(0, mailer.count());
        Continuation first = ContinuationJson.parse(queue.peek(), "q");
        assertEquals("notify-daily/2023-03-17", first.round(), "the policy's day (09:00 in Auckland is the 16th in UTC)");
        assertEquals(QUEUE, first.queue());
    }

    @Test
    void a_round_cut_by_the_time_limit_after_k_notices_for_every_k_mails_each_member_exactly_once() {
        for (int k = 1; k <= ACTIVE + 1; k++) {
            reset();
            int cut = k;
            Round r = runRound(n -> {
                int before = mailer.count();
                return () -> mailer.count() - before >= cut;
            });
            assertExactlyOnce(r, "cut after " + k + " notices");
            if (k == 1) assertTrue(r.handedOn > 0, "a part longer than an invocation hands on");
        }
    }

    @Test
    void a_round_cut_after_k_checks_of_the_clock_for_every_k_finishes_exactly_once() {
        // The budget is read before each page and each member, skipped members included: every point of the walk.
        // The step reads its time left four times before its first check (its claim's lease, its safety margin) and
        // once more before its first page: from k = 6 on, each invocation gets through k - 5 members at least.
        for (int k = 6; k <= 18; k++) {
            reset();
            int cut = k;
            Round r = runRound(n -> {
                int[] checks = {0};
                return () -> ++checks[0] > cut;
            });
            assertExactlyOnce(r, "cut after " + k + " checks");
        }
    }

    @Test
    void a_replayed_step_is_refused_and_recorded_and_sends_nothing() {
        invoke(SCHEDULE, context("s", () -> false));
        String first = queue.poll();
        invoke(sqs("msg-1", first), context("w1", () -> false));
        int sent = mailer.count();
        JsonNode again = invoke(sqs("msg-1b", first), context("w2", () -> false));
        JsonNode step = again.path("steps").path(0);
        assertEquals("refused", step.path("status").asText());
        assertEquals("replayed", step.path("reason").asText());
        assertEquals(sent, mailer.count());
        assertEquals(List.of("replayed"), refusals());
    }

    @Test
    void a_malformed_message_or_one_from_another_stage_or_kind_is_refused_and_recorded() {
        String otherStage = ContinuationJson.toJson(Continuation.start(NoticeRound.KIND, QUEUE.replace("appban-test", "appban-prod"),
                "notify-daily/2023-03-16", 0, 1));
        String otherKind = ContinuationJson.toJson(Continuation.start("roster-import", QUEUE, "notify-daily/2023-03-16", 0, 1));
        String looping = ContinuationJson.toJson(new Continuation(NoticeRound.KIND, QUEUE, "notify-daily/2023-03-16", 0, 1,
                Continuation.MAX_STEPS + 1, "m-05"));
        List<String> bodies = List.of("{not json", "[]", "{\"continue\":\"notify-round\"}",
                "{\"continue\":\"notify-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"r\",\"part\":3,\"parts\":2,\"step\":1}",
                "{\"continue\":\"notify-round\",\"queue\":\"" + QUEUE + "\",\"round\":\"r\",\"part\":0,\"parts\":1,\"step\":1,\"extra\":1}",
                otherStage, otherKind, looping);
        for (int i = 0; i < bodies.size(); i++) {
            JsonNode out = invoke(sqs("bad-" + i, bodies.get(i)), context("w" + i, () -> false));
            assertEquals("refused", out.path("steps").path(0).path("status").asText(), bodies.get(i));
            assertEquals(0, out.path("batchItemFailures").size());
        }
        assertEquals(List.of("malformed", "malformed", "malformed", "malformed", "malformed", "other-stage", "other-kind", "too-many-steps"),
                refusals());
        assertEquals(0, mailer.count());
        // Recorded once per message, however often it is delivered.
        invoke(sqs("bad-0", bodies.get(0)), context("again", () -> false));
        assertEquals(8, refusals().size());
        // The record names the message, never its body.
        LedgerEntry e = ledger.chain("fleet").get(0);
        assertTrue(e.record().details().values().stream().noneMatch(v -> v.contains("not json")), e.record().details().toString());
    }

    @Test
    void a_step_held_by_a_live_invocation_goes_back_to_the_queue_without_an_error() {
        invoke(SCHEDULE, context("s", () -> false));
        String first = queue.poll();
        Continuation c = ContinuationJson.parse(first, "q");
        claims.claim("continuation/" + c.id(), "another-invocation", clock.instant(), Duration.ofMinutes(15));
        JsonNode out = invoke(sqs("msg-1", first), context("w1", () -> false));
        assertEquals("busy", out.path("steps").path(0).path("status").asText());
        assertEquals("msg-1", out.path("batchItemFailures").path(0).path("itemIdentifier").asText());
        assertEquals(List.of(), refusals());
    }

    @Test
    void a_step_the_provider_stops_goes_back_to_the_queue_and_its_redelivery_carries_on_without_mailing_anyone_twice() {
        String body = ContinuationJson.toJson(Continuation.start(NoticeRound.KIND, QUEUE, "notify-daily/2023-03-17", 0, 1));
        int[] calls = {0};
        mailer.before = m -> {
            if (++calls[0] == 6) throw new org.appban.mail.Mailer.Throttled("Maximum sending quota exceeded", true, null);
        };
        JsonNode out = invoke(sqs("msg-q", body), context("w1", () -> false));
        JsonNode step = out.path("steps").path(0);
        assertEquals("stopped", step.path("status").asText(), out.toString());
        assertEquals("msg-q", out.path("batchItemFailures").path(0).path("itemIdentifier").asText());
        assertEquals(5, mailer.count());
        assertTrue(queue.isEmpty(), "nothing handed on: the same message comes back");

        JsonNode again = invoke(sqs("msg-q", body), context("w2", () -> false));
        assertEquals("part-done", again.path("steps").path(0).path("status").asText(), again.toString());
        List<String> to = mailer.sent.stream().map(m -> m.recipient().value()).toList();
        assertEquals(ACTIVE, to.size(), to.toString());
        assertEquals(ACTIVE, to.stream().distinct().count(), to.toString());
        assertEquals(List.of(), refusals());
    }

    @Test
    void a_cursor_at_a_member_who_is_gone_resumes_at_the_next_one() {
        // m-005x never existed: the step starts with the first member of the part after it.
        String body = ContinuationJson.toJson(new Continuation(NoticeRound.KIND, QUEUE, "notify-daily/2023-03-16", 0, 1, 2, "m-005x"));
        invoke(sqs("msg-cursor", body), context("w", () -> false));
        List<String> to = mailer.sent.stream().map(m -> m.recipient().value()).toList();
        assertEquals(ACTIVE - 6, to.size(), to.toString());
        assertTrue(to.contains("m6@example.org") && !to.contains("m5@example.org"), to.toString());
    }

    /**
     * Lambda stops an invocation at its time limit wherever it is: nothing it would have done from that point on
     * happens, and its message comes back after the queue's visibility timeout (NotifyWork's 90 minutes). For every
     * point of a round (each claim, completion, release, send and hand-on, just before and just after it takes
     * effect, counted across the round's invocations) the round is killed there once and the message redelivered:
     * every member is mailed that same day and once. The one exception is the documented crash window of a send
     * (the provider accepted the email, the invocation died before recording it): the redelivery's takeover sends it
     * again with the same Message-ID, which mail clients show once.
     *
     * <p>Also redelivered sooner than a notice's lease (as a queue whose visibility timeout were shorter would): the
     * member the dead step had claimed is then still held, and the step, held as long, goes back to the queue until
     * it can be taken over; stepped over, the member would have waited for the next day's round.
     */
    @Test
    void a_step_killed_at_any_point_and_redelivered_after_the_visibility_timeout_mails_every_member_that_same_day_once() {
        for (Duration redelivery : List.of(visibilityTimeout(), Duration.ofSeconds(945))) killedEverywhere(redelivery);
    }

    @Test
    void notify_work_redelivers_a_killed_step_only_after_its_members_claims_have_lapsed() {
        int timeout = templateResources().path("NotifyMembersFunction").path("Properties").path("Timeout").asInt();
        assertTrue(visibilityTimeout().compareTo(Duration.ofSeconds(timeout).plus(NoticeSender.DEFAULT_LEASE)) > 0,
                "NotifyWork's visibility timeout outlasts a step and the claims it took: " + visibilityTimeout());
    }

    private static Duration visibilityTimeout() {
        return Duration.ofSeconds(templateResources().path("NotifyWork").path("Properties").path("VisibilityTimeout").asInt());
    }

    private static JsonNode templateResources() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(org.appban.testing.ProjectLayout.template().toFile()).path("Resources");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void killedEverywhere(Duration redelivery) {
        List<String> expected = java.util.stream.IntStream.range(0, ACTIVE).mapToObj(i -> NotifyRoundWorld.address(i, "")).sorted().toList();
        java.time.LocalDate day = java.time.LocalDate.ofInstant(clock.instant(), Fixtures.POLICY.zone());
        int killed = 0;
        for (int n = 1; ; n++) {
            reset();
            clock.set(nz("2023-03-17T09:00"));
            TimeLimit kill = new TimeLimit(n);
            runKilled(kill, redelivery);
            if (!kill.fired()) break;
            killed++;
            String what = "killed at point " + n + " (" + kill.where() + "), redelivered after " + redelivery;
            java.util.Map<String, List<String>> idsTo = new java.util.TreeMap<>();
            for (org.appban.mail.OutgoingMail m : mailer.sent) {
                idsTo.computeIfAbsent(m.recipient().value(), k -> new java.util.ArrayList<>()).add(m.mime().messageId());
            }
            assertEquals(expected, List.copyOf(idsTo.keySet()), what + ": every member is mailed");
            idsTo.forEach((to, ids) -> {
                assertEquals(1, ids.stream().distinct().count(), what + ": one notice to " + to + ", not " + ids);
                int allowed = kill.where().equals("sent to " + to) ? 2 : 1;
                assertEquals(allowed, ids.size(), what + ": sends to " + to);
            });
            assertEquals(day, java.time.LocalDate.ofInstant(clock.instant(), Fixtures.POLICY.zone()), what + ": finished the same day");
            assertTrue(refusals().stream().allMatch("replayed"::equals), what + ": " + refusals());
        }
        assertTrue(killed > 6 * ACTIVE, "every point of the round was tried: " + killed);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private record Round(int invocations, int handedOn) {
    }

    /** The schedule, then every message the queue holds, each invocation with its own clock of the given shape. */
    private Round runRound(IntFunction<BooleanSupplier> outOfTime) {
        invoke(SCHEDULE, context("schedule", () -> false));
        int invocations = 0;
        int handedOn = 0;
        while (!queue.isEmpty()) {
            assertTrue(invocations < 500, "the round does not end");
            String body = queue.poll();
            JsonNode out = invoke(sqs("msg-" + invocations, body), context("step-" + invocations, outOfTime.apply(invocations)));
            invocations++;
            JsonNode step = out.path("steps").path(0);
            assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
            if (step.path("handedOn").asBoolean()) handedOn++;
        }
        return new Round(invocations, handedOn);
    }

    private void assertExactlyOnce(Round r, String what) {
        List<String> to = mailer.sent.stream().map(m -> m.recipient().value()).sorted().toList();
        assertEquals(ACTIVE, to.size(), what + ": " + to);
        assertEquals(ACTIVE, to.stream().distinct().count(), what + ": a member mailed twice: " + to);
        assertEquals(List.of(), refusals(), what);
        assertTrue(r.invocations >= 3, what);
    }

    /** A new day's world: nothing claimed, recorded or sent yet. */
    private void reset() {
        claims = new InMemoryClaims();
        ledger = new InMemoryLedger();
        mailer = new RecordingMailer();
        queue.clear();
        handler = handler(3);
    }

    private record Delivery(String messageId, String body) {
    }

    /**
     * The schedule, then every message on the queue as the event source mapping delivers it; the step killed by
     * {@code kill}, or giving its message back, sees it again after the visibility timeout. Each step runs out of
     * time after four notices, so parts hand on.
     */
    private void runKilled(TimeLimit kill, Duration redelivery) {
        invoke(SCHEDULE, context("schedule", () -> false));
        org.appban.ports.Claims claimsSeen = kill.around(claims);
        NotifyMembersHandler h = NotifyRoundWorld.handler(new NotifyRoundWorld.Stores(members, devices, new InMemoryExemptionStore(),
                claimsSeen, ledger), mailer, clock, Duration.ofMinutes(16), body -> {
            kill.point("hand on");
            queue.add(body);
            kill.point("handed on");
        }, QUEUE, 3);
        mailer.before = m -> kill.point("send to " + m.recipient().value());
        mailer.after = m -> kill.point("sent to " + m.recipient().value());
        Deque<Delivery> pending = new ArrayDeque<>();
        int ids = 0;
        for (int invocation = 0; ; invocation++) {
            while (!queue.isEmpty()) pending.add(new Delivery("msg-" + ids++, queue.poll()));
            if (pending.isEmpty()) return;
            assertTrue(invocation < 500, "the round does not end");
            Delivery d = pending.poll();
            int before = mailer.count();
            JsonNode out = null;
            try {
                out = NotifyRoundWorld.invoke(h, sqs(d.messageId(), d.body()), context("step-" + invocation, () -> mailer.count() - before >= 4));
            } catch (TimeLimit.Stopped stopped) {
                // Lambda's stop: no answer, the message stays on the queue.
            }
            boolean stopped = kill.revive();
            if (stopped || out.path("batchItemFailures").size() > 0) {
                clock.advance(redelivery);
                pending.add(d);
            }
        }
    }

    private List<String> refusals() {
        return NotifyRoundWorld.refusals(ledger);
    }

    private JsonNode invoke(String event, Context context) {
        return NotifyRoundWorld.invoke(handler, event, context);
    }
}
