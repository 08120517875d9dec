package org.appban.exemption;

import static org.appban.exemption.SweepWorld.MORNING;
import static org.appban.exemption.SweepWorld.SCHEDULE;
import static org.appban.testing.WorkEvents.context;
import static org.appban.testing.WorkEvents.sqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.BooleanSupplier;
import org.appban.lambda.exemption.ExemptionSweepHandler;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.TestClock;
import org.appban.testing.TimeLimit;
import org.appban.work.Continuation;
import org.appban.work.ContinuationJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daily exemption sweep as work on its function's own queue: it reads only the exemptions with a notice due
 * (not every decision on record), cut by the time limit anywhere it hands the rest on and asks for every due notice
 * exactly once, and what comes in on the queue that is not this stage's next step is refused and recorded.
 */
class ExemptionSweepRoundTest {
    private static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-ExemptionSweepWork";
    private static final int EXEMPTIONS = 60;

    private final TestClock clock = new TestClock(MORNING);
    private InMemoryExemptionStore exemptions;
    private InMemoryLedger ledger;
    private InMemoryClaims claims;
    private ExemptionFixtures.RecordedNotices notices;
    private final Deque<String> queue = new ArrayDeque<>();
    private ExemptionSweepHandler handler;
    private List<String> expected;

    @BeforeEach
    void world() {
        clock.set(MORNING);
        exemptions = new InMemoryExemptionStore();
        ledger = new InMemoryLedger();
        claims = new InMemoryClaims();
        notices = new ExemptionFixtures.RecordedNotices();
        queue.clear();
        SweepWorld.seed(exemptions, ledger, EXEMPTIONS);
        expected = SweepWorld.expected(exemptions.all(), ledger, MORNING);
        ExemptionService service = SweepWorld.service(new InMemoryMemberStore(), new InMemoryDeviceStore(), exemptions, ledger, notices, clock);
        handler = SweepWorld.handler(service, queue::add, QUEUE, claims, ledger, clock);
    }

    @Test
    void the_schedule_hands_the_sweep_on_as_one_message_and_asks_for_nothing_itself() {
        JsonNode out = SweepWorld.invoke(handler, SCHEDULE, context("s", () -> false));
        assertEquals("handed-on", out.path("status").asText(), out.toString());
        assertEquals(1, queue.size());
        Continuation c = ContinuationJson.parse(queue.peek(), "q");
        assertEquals("exemption-sweep-daily/2023-06-01", c.round());
        assertEquals(QUEUE, c.queue());
        assertEquals(List.of(), notices.asked);
    }

    @Test
    void a_sweep_cut_by_the_time_limit_after_k_notices_for_every_k_asks_for_each_due_notice_exactly_once() {
        assertTrue(expected.size() > 20, "the world has work: " + expected);
        for (int k = 1; k <= expected.size() + 1; k++) {
            if (k > 1) world();
            int cut = k;
            Round r = runRound(n -> {
                int before = notices.asked.size();
                return () -> notices.asked.size() - before >= cut;
            });
            assertEquals(expected, notices.asked.stream().sorted().toList(), "cut after " + k + " notices");
            assertEquals(List.of(), SweepWorld.refusals(ledger), "cut after " + k);
            if (k == 1) assertTrue(r.handedOn() > 10, "a sweep longer than an invocation hands on: " + r);
        }
    }

    @Test
    void it_reads_each_grant_once_after_it_is_made_and_then_only_the_exemptions_whose_next_notice_fell_due() {
        // A grant is stored due at its decision (its notice is asked for then); the first sweep after it reads it once
        // and stores when its next notice falls due. Refused and requested exemptions are never read.
        long granted = exemptions.all().stream().filter(e -> e.status() == org.appban.domain.ExemptionStatus.GRANTED).count();
        Round first = runRound(n -> () -> false);
        assertEquals(granted, first.exemptions(), "the grants made since the last sweep, not the " + EXEMPTIONS + " decisions on record");
        assertEquals(expected, notices.asked.stream().sorted().toList());

        // The next day nothing fell due: nothing is read.
        notices.asked.clear();
        clock.set(MORNING.plus(Duration.ofDays(1)));
        assertEquals(0, runRound(n -> () -> false).exemptions());
        assertEquals(List.of(), notices.asked);

        // Six days on, the windows of the exemptions expiring in 20 days have opened and those expiring in 5 days have
        // expired: those are read, and only those.
        clock.set(MORNING.plus(Duration.ofDays(6)));
        List<String> later = SweepWorld.expected(exemptions.all(), ledger, clock.instant());
        Round sixDaysOn = runRound(n -> () -> false);
        assertTrue(!later.isEmpty() && later.stream().noneMatch(n -> n.startsWith("exemption-granted ")), later.toString());
        assertEquals(later.stream().map(e -> e.substring(e.indexOf(' ') + 1)).distinct().count(), sixDaysOn.exemptions());
        assertEquals(later, notices.asked.stream().sorted().toList());
    }

    @Test
    void a_notice_whose_request_fails_keeps_its_exemption_due_and_the_next_sweep_asks_again() {
        notices.failWith = new IllegalStateException("EventBridge unreachable");
        JsonNode step = runOneStep();
        assertEquals("part-done", step.path("status").asText(), step.toString());
        assertEquals(expected.size(), step.path("failedNotices").asInt());
        notices.failWith = null;
        clock.advance(Duration.ofDays(1));
        List<String> tomorrow = SweepWorld.expected(exemptions.all(), ledger, clock.instant());
        runRound(n -> () -> false);
        assertEquals(tomorrow, notices.asked.stream().sorted().toList());
        assertTrue(tomorrow.containsAll(expected), "every notice that failed is asked for again: " + tomorrow);
    }

    @Test
    void a_replayed_step_is_refused_and_recorded_and_asks_for_nothing() {
        SweepWorld.invoke(handler, SCHEDULE, context("s", () -> false));
        String first = queue.poll();
        SweepWorld.invoke(handler, sqs("msg-1", first), context("w1", () -> false));
        int asked = notices.asked.size();
        JsonNode again = SweepWorld.invoke(handler, sqs("msg-1b", first), context("w2", () -> false)).path("steps").path(0);
        assertEquals("refused", again.path("status").asText());
        assertEquals("replayed", again.path("reason").asText());
        assertEquals(asked, notices.asked.size());
        assertEquals(List.of("replayed"), SweepWorld.refusals(ledger));
    }

    @Test
    void a_malformed_message_or_one_from_another_stage_or_kind_is_refused_and_recorded() {
        List<String> bodies = List.of("{not json", "[]",
                "{\"continue\":\"exemption-sweep\",\"queue\":\"" + QUEUE + "\",\"round\":\"r\",\"part\":0,\"parts\":1,\"step\":0}",
                ContinuationJson.toJson(Continuation.start(ExemptionSweepRound.KIND, QUEUE.replace("appban-test", "appban-prod"), "exemption-sweep-daily/2023-06-01", 0, 1)),
                ContinuationJson.toJson(Continuation.start("notify-round", QUEUE, "notify-daily/2023-06-01", 0, 1)),
                ContinuationJson.toJson(new Continuation(ExemptionSweepRound.KIND, QUEUE, "exemption-sweep-daily/2023-06-01", 0, 1, Continuation.MAX_STEPS + 1, null)));
        for (int i = 0; i < bodies.size(); i++) {
            JsonNode out = SweepWorld.invoke(handler, sqs("bad-" + i, bodies.get(i)), context("w" + i, () -> false));
            assertEquals("refused", out.path("steps").path(0).path("status").asText(), bodies.get(i));
            assertEquals(0, out.path("batchItemFailures").size());
        }
        assertEquals(List.of("malformed", "malformed", "malformed", "other-stage", "other-kind", "too-many-steps"), SweepWorld.refusals(ledger));
        assertEquals(List.of(), notices.asked);
    }

    @Test
    void a_position_at_an_exemption_that_is_gone_resumes_at_the_next_and_an_unreadable_one_starts_over_asking_nothing_twice() {
        List<String> order = exemptions.noticesDue(MORNING, null, 1000).pending().stream().map(p -> p.position()).toList();
        // A position between two: the exemption it named is gone.
        String gone = order.get(9) + "-gone";
        String body = ContinuationJson.toJson(new Continuation(ExemptionSweepRound.KIND, QUEUE, "exemption-sweep-daily/2023-06-01", 0, 1, 2, gone));
        JsonNode step = SweepWorld.invoke(handler, sqs("gone", body), context("w", () -> false)).path("steps").path(0);
        assertEquals("part-done", step.path("status").asText(), step.toString());
        assertEquals(order.size() - 10, step.path("exemptions").asInt(), "from the first after the position on");

        String unreadable = ContinuationJson.toJson(new Continuation(ExemptionSweepRound.KIND, QUEUE, "exemption-sweep-daily/2023-06-01", 0, 1, 3, "no position"));
        int asked = notices.asked.size();
        JsonNode over = SweepWorld.invoke(handler, sqs("unreadable", unreadable), context("w2", () -> false)).path("steps").path(0);
        assertEquals("part-done", over.path("status").asText(), over.toString());
        assertEquals(expected, notices.asked.stream().sorted().toList(), "started over, asking only what the first part had not");
        assertTrue(notices.asked.size() > asked);
    }

    /**
     * Lambda stops an invocation at its time limit wherever it is, and its message comes back after the queue's
     * visibility timeout (ExemptionSweepWork's 720 s). For every point of a sweep (each claim and completion of a
     * step, each notice request, each stored next-notice time, each hand-on, before and after it takes effect) the
     * sweep is killed there once and redelivered: every due notice is asked for, once, except the one whose request
     * went out just before the stop (asked again by the takeover; the notify function sends one notice per
     * exemption and kind whatever it is asked, the request's occasion being the exemption).
     */
    @Test
    void a_step_killed_at_any_point_and_redelivered_asks_for_each_due_notice_once() {
        int killed = 0;
        for (int n = 1; ; n++) {
            world();
            TimeLimit kill = new TimeLimit(n);
            runKilled(kill);
            if (!kill.fired()) break;
            killed++;
            String what = "killed at point " + n + " (" + kill.where() + ")";
            java.util.Map<String, Long> times = new java.util.TreeMap<>();
            notices.asked.forEach(a -> times.merge(a, 1L, Long::sum));
            assertEquals(expected, List.copyOf(times.keySet()), what + ": every due notice asked for");
            times.forEach((notice, count) -> assertEquals(kill.where().equals("asked " + notice) ? 2 : 1, count, what + ": " + notice));
            assertTrue(SweepWorld.refusals(ledger).stream().allMatch("replayed"::equals), what + ": " + SweepWorld.refusals(ledger));
        }
        assertTrue(killed > 3 * expected.size(), "every point of the sweep was tried: " + killed);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private record Delivery(String messageId, String body) {
    }

    /** The schedule and every message as the mapping delivers them, with the ports stopped where {@code kill} says. */
    private void runKilled(TimeLimit kill) {
        ExemptionNotices seen = new ExemptionNotices() {
            public void granted(org.appban.domain.Exemption e, java.time.Instant at) {
                around("exemption-granted " + e.id(), () -> notices.granted(e, at));
            }

            public void expiring(org.appban.domain.Exemption e, java.time.Instant at) {
                around("exemption-expiring " + e.id(), () -> notices.expiring(e, at));
            }

            public void expired(org.appban.domain.Exemption e, java.time.Instant at) {
                around("exemption-expired " + e.id(), () -> notices.expired(e, at));
            }

            private void around(String notice, Runnable ask) {
                kill.point("ask " + notice);
                ask.run();
                kill.point("asked " + notice);
            }
        };
        org.appban.ports.ExemptionStore store = new org.appban.ports.ExemptionStore() {
            public java.util.Optional<org.appban.domain.Exemption> find(String id) { return exemptions.find(id); }
            public List<org.appban.domain.Exemption> ofMember(String member) { return exemptions.ofMember(member); }
            public List<org.appban.domain.Exemption> all() { return exemptions.all(); }
            public void create(org.appban.domain.Exemption e) { exemptions.create(e); }
            public boolean transition(org.appban.domain.Exemption a, org.appban.domain.Exemption b) { return exemptions.transition(a, b); }

            public Page noticesDue(java.time.Instant by, String after, int limit) {
                kill.point("read the exemptions due");
                return exemptions.noticesDue(by, after, limit);
            }

            public void noticeDueAt(String id, java.time.Instant at) {
                kill.point("schedule " + id);
                exemptions.noticeDueAt(id, at);
                kill.point("scheduled " + id);
            }
        };
        ExemptionService service = SweepWorld.service(new InMemoryMemberStore(), new InMemoryDeviceStore(), store, ledger, seen, clock);
        ExemptionSweepHandler h = SweepWorld.handler(service, body -> {
            kill.point("hand on");
            queue.add(body);
            kill.point("handed on");
        }, QUEUE, kill.around(claims), ledger, clock);
        // The schedule, retried by Lambda (the same event) when it is stopped.
        for (int tries = 0; ; tries++) {
            assertTrue(tries < 3, "the schedule never hands on");
            try {
                SweepWorld.invoke(h, SCHEDULE, context("schedule", () -> false));
            } catch (TimeLimit.Stopped stopped) {
                // Retried.
            }
            if (!kill.revive()) break;
        }
        Deque<Delivery> pending = new ArrayDeque<>();
        int ids = 0;
        for (int invocation = 0; ; invocation++) {
            while (!queue.isEmpty()) pending.add(new Delivery("msg-" + ids++, queue.poll()));
            if (pending.isEmpty()) return;
            assertTrue(invocation < 500, "the sweep does not end");
            Delivery d = pending.poll();
            int before = notices.asked.size();
            JsonNode out = null;
            try {
                out = SweepWorld.invoke(h, sqs(d.messageId(), d.body()), context("step-" + invocation, () -> notices.asked.size() - before >= 4));
            } catch (TimeLimit.Stopped stopped) {
                // Lambda's stop: no answer, the message stays on the queue.
            }
            if (kill.revive() || out.path("batchItemFailures").size() > 0) {
                clock.advance(Duration.ofSeconds(720));
                pending.add(d);
            }
        }
    }

    private record Round(int invocations, int handedOn, int exemptions) {
    }

    /** The schedule, then every message the queue holds, each invocation with its own clock of the given shape. */
    private Round runRound(IntFunction<BooleanSupplier> outOfTime) {
        SweepWorld.invoke(handler, SCHEDULE, context("schedule-" + clock.instant(), () -> false));
        int invocations = 0;
        int handedOn = 0;
        int read = 0;
        while (!queue.isEmpty()) {
            assertTrue(invocations < 500, "the sweep does not end");
            JsonNode out = SweepWorld.invoke(handler, sqs("msg-" + clock.instant() + "-" + invocations, queue.poll()),
                    context("step-" + invocations, outOfTime.apply(invocations)));
            invocations++;
            JsonNode step = out.path("steps").path(0);
            assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
            if (step.path("handedOn").asBoolean()) handedOn++;
            read += step.path("exemptions").asInt();
        }
        return new Round(invocations, handedOn, read);
    }

    private JsonNode runOneStep() {
        SweepWorld.invoke(handler, SCHEDULE, context("schedule", () -> false));
        return SweepWorld.invoke(handler, sqs("one", queue.poll()), context("one", () -> false)).path("steps").path(0);
    }
}
