package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;
import org.appban.json.Json;
import org.appban.testing.WorkEvents;
import org.appban.work.Continuation;
import org.appban.work.ContinuationGate;
import org.appban.work.ContinuationJson;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;
import org.junit.jupiter.api.Test;

/**
 * Network access's daily run as a round of queued steps: cut by the time limit anywhere, or killed half-way through a
 * quarantine, it finishes every part exactly once (every quarantine and release made once, recorded once, told once),
 * never fails on purpose, and keeps the blast-radius cap for the round as a whole; what comes in on the queue that
 * is not this stage's next step is refused and recorded.
 */
class AccessRoundTest {
    static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-AccessWork";
    static final int CARRYING = 9;

    /** A fleet after the grace period: bystanders, devices to quarantine, two sharing a MAC, one to release. */
    static AccessHarness world() {
        AccessHarness h = new AccessHarness();
        for (int i = 0; i < CARRYING; i++) {
            h.with(AccessFixtures.privateUnmanaged("p-" + i, "m-" + i, String.format("02:CC:00:00:00:%02X", i)));
        }
        h.with(AccessFixtures.privateUnmanaged("twin-a", "m-20", "02:DD:00:00:00:01"),
                AccessFixtures.privateUnmanaged("twin-b", "m-21", "02:DD:00:00:00:01"));
        // Quarantined by an earlier day's run; its MDM reports it compliant since: released.
        Device mended = AccessFixtures.privateEnrolled("mended", "m-30", "02:EE:00:00:00:01", ComplianceState.COMPLIANT,
                AccessFixtures.AFTER_GRACE.minus(Duration.ofHours(1)));
        h.with(mended);
        h.evidence.saveRecord(new AccessRecord("mended", AccessRecord.State.QUARANTINED, 1, "02:EE:00:00:00:01",
                FakeNetworkAccess.POLICY, AccessFixtures.AFTER_GRACE.minus(Duration.ofDays(2)), "unconfirmed"));
        h.nac.policies.put("02:EE:00:00:00:01", FakeNetworkAccess.POLICY);
        return h;
    }

    /** The round over a world, with its own queue, delivered as the event source mapping would. */
    static final class Round {
        final AccessHarness h;
        final Deque<String> queue = new ArrayDeque<>();
        final AccessRound round;
        final List<Map<String, Object>> lines = new ArrayList<>();
        int invocations;

        Round(AccessHarness h, int parts) {
            this.h = h;
            ContinuationGate gate = new ContinuationGate(AccessRound.KIND, QUEUE, ContinuationJson.JSON, h.claims, h.ledger, h.clock);
            round = new AccessRound(h.service, new WorkSteps(gate, queue::add), h.claims, parts, AccessFixtures.POLICY.zone(), h.clock);
        }

        /** Delivers until the queue is empty; each invocation's time is {@code budget()}'s. */
        void drain(java.util.function.Supplier<BooleanSupplier> budget) {
            for (int guard = 0; !queue.isEmpty(); guard++) {
                assertTrue(guard < 2000, "the round does not end");
                String body = queue.poll();
                invocations++;
                @SuppressWarnings("unchecked")
                Map<String, Object> out = round.steps(sqs(body), "req-" + invocations, 900_000, budget.get(), l -> { });
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> steps = (List<Map<String, Object>>) out.get("steps");
                lines.addAll(steps);
                assertEquals(List.of(), out.get("batchItemFailures"), "no step is given back: " + steps);
            }
        }
    }

    static WorkBatch sqs(String body) {
        return WorkEvents.batch(UUID.randomUUID().toString(), body);
    }

    /** A time limit reached after {@code k} looks at the clock, in every invocation. */
    static java.util.function.Supplier<BooleanSupplier> cutAfter(int k) {
        return () -> {
            int[] left = {k};
            return () -> left[0]-- > 0;
        };
    }

    static void assertFinishedOnce(AccessHarness h, String why) {
        for (int i = 0; i < CARRYING; i++) {
            String mac = String.format("02:CC:00:00:00:%02X", i);
            assertEquals(1, h.nac.count("quarantine " + mac), why + ": quarantined once " + mac);
            assertEquals(1, h.entries("m-" + i, "nac.quarantined").size(), why + ": recorded once p-" + i);
            String told = "access-revoked m-" + i + " ";
            assertEquals(1, h.notices.stream().filter(n -> n.startsWith(told)).count(), why + ": told once p-" + i);
            assertEquals(FakeNetworkAccess.POLICY, h.nac.policies.get(mac), why);
        }
        assertEquals(0, h.nac.count("quarantine 02:DD"), why + ": a shared MAC is never acted on");
        assertEquals(1, h.entries("m-20", "nac.identity-unresolved").size(), why);
        assertEquals(1, h.entries("m-21", "nac.identity-unresolved").size(), why);
        assertEquals(1, h.nac.count("release 02:EE:00:00:00:01"), why + ": released once");
        assertEquals(1, h.entries("m-30", "nac.released").size(), why);
        assertEquals(0, h.nac.count("quarantine 02:BB"), why + ": bystanders untouched");
        assertEquals(List.of(), refusals(h), why + ": nothing refused");
        assertTrue(h.alerts.stream().noneMatch(a -> a.contains("cap")), why + ": " + h.alerts);
    }

    static List<String> refusals(AccessHarness h) {
        return h.ledger.chain("fleet").stream().map(LedgerEntry::record).filter(r -> r.action().equals(ContinuationGate.REFUSED))
                .map(r -> r.details().get("reason")).toList();
    }

    @Test
    void a_round_cut_by_the_time_limit_at_every_point_finishes_every_part_exactly_once() {
        for (int k = 1; k <= 16; k++) {
            for (int parts : new int[] {1, 3}) {
                AccessHarness h = world();
                Round r = new Round(h, parts);
                r.round.start("network-access-daily");
                r.drain(cutAfter(k));
                String why = "cut after " + k + " looks at the clock, " + parts + " part(s)";
                assertFinishedOnce(h, why);
                assertTrue(r.lines.stream().allMatch(l -> !"refused".equals(l.get("status"))), why);
                long surveys = r.lines.stream().filter(l -> "survey".equals(l.get("phase")) && "part-done".equals(l.get("status"))).count();
                long acts = r.lines.stream().filter(l -> "act".equals(l.get("phase")) && "part-done".equals(l.get("status"))).count();
                assertEquals(parts, surveys, why);
                assertEquals(parts, acts, why);
                if (k == 1) assertTrue(r.invocations > 2 * parts, why + ": the cut hands on (" + r.invocations + " invocations)");
            }
        }
    }

    @Test
    void a_step_killed_after_the_nac_changed_is_run_again_and_records_the_change_once() {
        for (int kill = 1; kill <= CARRYING; kill++) {
            AccessHarness h = world();
            Round r = new Round(h, 2);
            r.round.start("network-access-daily");
            int[] quarantines = {0};
            int killAt = kill;
            // The invocation dies right after the NAC applied the kill-th quarantine, before anything was recorded.
            h.nac.afterChange = mac -> {
                if (++quarantines[0] == killAt) throw new IllegalStateException("invocation killed");
            };
            for (int guard = 0; !r.queue.isEmpty(); guard++) {
                assertTrue(guard < 500, "the round does not end");
                String body = r.queue.poll();
                try {
                    r.round.steps(sqs(body), "req-" + guard, 900_000, () -> true, l -> { });
                } catch (IllegalStateException e) {
                    // SQS delivers the message again after its visibility timeout (90 minutes), past the NAC claim's lease.
                    h.clock.advance(Duration.ofMinutes(91));
                    r.queue.addFirst(body);
                }
            }
            assertFinishedOnce(h, "killed at quarantine " + kill);
            assertEquals(1, countInterrupted(h), "the killed quarantine is recorded once, as an interrupted attempt's change");
        }
    }

    static long countInterrupted(AccessHarness h) {
        long n = 0;
        for (int i = 0; i < CARRYING; i++) {
            n += h.entries("m-" + i, "nac.quarantined").stream().filter(x -> "true".equals(x.details().get("interruptedAttempt"))).count();
        }
        return n;
    }

    @Test
    void over_the_cap_for_the_round_as_a_whole_nothing_is_quarantined_however_it_is_split() {
        AccessHarness h = world();
        // Nine quarantines due of 24 devices is within the bundled cap; with the bystanders gone from the count's
        // share (a fleet of 12 carrying the app), the round must hold them all, though each part alone is within it.
        for (int i = 0; i < AccessHarness.BYSTANDERS; i++) {
            h.devices.save(h.devices.find("bystander-" + i).orElseThrow().withRetired(true));
        }
        Round r = new Round(h, 4);
        r.round.start("network-access-daily");
        r.drain(cutAfter(3));
        assertEquals(0, h.nac.count("quarantine "), "held by the cap: " + h.nac.calls);
        assertEquals(1, h.fleet("nac.quarantine-capped").size(), "recorded once for the round");
        assertEquals(1, h.alerts.stream().filter(a -> a.contains("blast-radius cap")).count(), h.alerts.toString());
        assertEquals(1, h.nac.count("release "), "releases are never held");
    }

    @Test
    void a_device_due_after_the_count_leaves_one_quarantine_to_tomorrow_so_the_round_never_exceeds_what_was_checked() {
        AccessHarness h = world();
        Round r = new Round(h, 1);
        r.round.start("network-access-daily");
        // The survey only: the act phase is handed on, not yet run.
        String survey = r.queue.poll();
        r.round.steps(sqs(survey), "req-survey", 900_000, () -> true, l -> { });
        assertEquals(1, r.queue.size());
        h.with(AccessFixtures.privateUnmanaged("late", "m-40", "02:CC:00:00:01:00"));
        r.drain(cutAfter(100));
        // The allowance is a count (the part's slots), not a list: whichever device comes last in the part's order waits.
        assertEquals(CARRYING, h.nac.count("quarantine "), "exactly what the survey counted and the cap checked");
        assertEquals(1, r.lines.stream().filter(l -> "act".equals(l.get("phase")))
                .map(l -> (AccessReport) l.get("access")).mapToLong(a -> a.count("quarantine", "held-by-cap")).sum());
    }

    @Test
    void the_kill_switch_holds_every_quarantine_of_the_round_and_is_recorded_once() {
        AccessHarness h = world();
        h.killSwitch.set(true, "ops@example.org", "NAC maintenance");
        Round r = new Round(h, 3);
        r.round.start("network-access-daily");
        r.drain(cutAfter(2));
        assertEquals(0, h.nac.count("quarantine "));
        assertEquals(1, h.nac.count("release "), "releases go ahead");
        assertEquals(1, h.fleet("nac.quarantine-stopped").size());
    }

    @Test
    void bad_messages_are_refused_and_recorded_and_a_vanished_cursor_resumes_at_the_next_device() {
        AccessHarness h = world();
        Round r = new Round(h, 1);
        String otherStage = ContinuationJson.toJson(Continuation.start(AccessRound.KIND, QUEUE.replace("appban-test", "appban-prod"), "network-access-daily/2023-04-08", 0, 1));
        String otherKind = ContinuationJson.toJson(Continuation.start("notify-round", QUEUE, "network-access-daily/2023-04-08", 0, 1));
        String forgedAct = ContinuationJson.toJson(Continuation.start(AccessRound.KIND, QUEUE, "network-access-daily/2023-04-08/act", 0, 1));
        for (String bad : List.of("{not json", otherStage, otherKind)) r.round.steps(sqs(bad), "req-bad", 900_000, () -> true, l -> { });
        assertEquals(List.of("malformed", "other-stage", "other-kind"), refusals(h));
        // An act step no survey handed on fails, and is never run: its message goes to the dead-letter queue.
        try {
            r.round.steps(sqs(forgedAct), "req-forged", 900_000, () -> true, l -> { });
            throw new AssertionError("an act step before its survey ran");
        } catch (IllegalStateException expected) {
            assertEquals(0, h.nac.count("quarantine "));
        }
        // A replay of a step done is refused.
        String first = ContinuationJson.toJson(Continuation.start(AccessRound.KIND, QUEUE, "network-access-daily/2023-04-09", 0, 1));
        r.round.steps(sqs(first), "req-1", 900_000, () -> true, l -> { });
        r.round.steps(sqs(first), "req-2", 900_000, () -> true, l -> { });
        assertEquals("replayed", refusals(h).get(refusals(h).size() - 1));
        // A cursor at a device that is gone (never stored here): the survey goes on at the next device of the part.
        String gone = ContinuationJson.toJson(new Continuation(AccessRound.KIND, QUEUE, "network-access-daily/2023-04-10", 0, 1, 2, "p-0x"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines = (List<Map<String, Object>>) r.round.steps(sqs(gone), "req-gone", 900_000, () -> true, l -> { }).get("steps");
        // After "p-0x" in the part's order: p-1 ... p-8 (due), then twin-a and twin-b (sharing a MAC: not due).
        assertEquals("part-done", lines.get(0).get("status"), lines.toString());
        assertEquals(10, lines.get(0).get("devices"), lines.toString());
        assertEquals(8L, lines.get(0).get("quarantinesDue"), lines.toString());
    }
}
