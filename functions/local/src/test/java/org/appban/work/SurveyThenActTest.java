package org.appban.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryLedger;
import org.appban.testing.TestClock;
import org.appban.testing.WorkEvents;
import org.junit.jupiter.api.Test;

/**
 * The skeleton a capped round runs on, as a new round would use it: parts survey and count, the last one counted
 * opens the act phase once on the whole round's counts, and each part acts within what it counted. In-memory claims
 * and ledger: the skeleton is what is under test (the rounds' tests and ITs run it on the real stores).
 */
class SurveyThenActTest {
    private static final String KIND = "test-round";
    private static final String QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-test-Work";
    private final TestClock clock = new TestClock(Instant.parse("2026-12-07T09:00:00Z"));
    private final InMemoryClaims claims = new InMemoryClaims();
    private final List<String> queue = new ArrayList<>();
    private final SurveyThenAct round = new SurveyThenAct(KIND, "test/round", "removals",
            new WorkSteps(new ContinuationGate(KIND, QUEUE, ContinuationJson.JSON, claims, new InMemoryLedger(), clock), queue::add),
            claims, 3, Duration.ofMinutes(16), clock);
    /** What each part's survey counts, by part. */
    private final long[] due = {2, 0, 5};
    private final List<SurveyThenAct.Counts> openings = new ArrayList<>();
    private final Map<Integer, List<String>> acted = new LinkedHashMap<>();
    private RuntimeException openingFails;

    @Test
    void the_last_part_counted_opens_the_act_phase_once_on_the_whole_rounds_counts_and_each_part_acts_within_its_own() {
        round.start("daily/2026-12-07");
        runQueue();
        assertEquals(1, openings.size(), "opened once, by the last part counted");
        assertEquals(new SurveyThenAct.Counts(7, 30, List.of(2L, 0L, 5L)), openings.get(0));
        // Each part tries to act on 4 devices: at most what its survey counted gets a slot.
        assertEquals(Map.of(0, List.of("d-0-0", "d-0-1"), 1, List.of(), 2, List.of("d-2-0", "d-2-1", "d-2-2", "d-2-3")), acted);
    }

    @Test
    void an_opening_that_fails_is_given_back_and_the_steps_next_run_opens_the_phase() {
        openingFails = new IllegalStateException("the MDM is down");
        round.start("daily/2026-12-07");
        List<String> survey = List.copyOf(queue);
        queue.clear();
        run(survey.get(0), "m-0");
        run(survey.get(1), "m-1");
        // The exception escapes the step, so WorkSteps gives the step back and its message returns.
        assertThrows(IllegalStateException.class, () -> run(survey.get(2), "m-2"));
        assertTrue(openings.isEmpty() && queue.isEmpty(), "nothing opened, nothing handed on");
        openingFails = null;
        run(survey.get(2), "m-2 again");
        assertEquals(1, openings.size());
        assertEquals(3, queue.size(), "the act steps, one a part");
    }

    @Test
    void an_act_step_before_every_part_was_counted_is_not_run() {
        String forged = ContinuationJson.toJson(Continuation.start(KIND, QUEUE, "daily/2026-12-07" + SurveyThenAct.ACT, 0, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(forged, "forged"));
        assertTrue(e.getMessage().contains("before every part of daily/2026-12-07 was surveyed"), e.getMessage());
        assertTrue(acted.isEmpty());
    }

    @Test
    void a_slot_taken_by_a_step_that_died_is_the_same_items_again_and_no_one_elses() {
        PartSlots first = new PartSlots(claims, clock, Duration.ofMinutes(16), "test/round-slot/r/0", 2, 0);
        assertTrue(first.take("d-a", "dead-step"));
        // The step died before handing on: its redelivery starts again from the slots its message carried (none).
        PartSlots again = new PartSlots(claims, clock, Duration.ofMinutes(16), "test/round-slot/r/0", 2, 0);
        assertTrue(again.take("d-a", "redelivery"), "d-a's own slot");
        assertTrue(again.take("d-b", "redelivery"));
        assertFalse(again.take("d-c", "redelivery"), "two counted, two taken");
        assertEquals(2, again.taken());
    }

    private void runQueue() {
        for (int n = 0; !queue.isEmpty(); n++) run(queue.remove(0), "m-" + n);
    }

    private Map<String, Object> run(String body, String messageId) {
        return round.steps(WorkEvents.batch(messageId, body), "req-" + messageId, 60_000, () -> true, line -> { }, this::survey, this::act);
    }

    private WorkSteps.Outcome survey(SurveyThenAct.Step step) {
        Map<String, Long> tally = round.tally(step, due[step.part()], 10);
        SurveyThenAct.Opened opened = round.surveyed(step, tally, counts -> {
            if (openingFails != null) throw openingFails;
            openings.add(counts);
            return new SurveyThenAct.Opening("started", true);
        });
        return WorkSteps.Outcome.partDone(tally, Map.of("act", opened.outcome()));
    }

    private WorkSteps.Outcome act(SurveyThenAct.Step step, SurveyThenAct.Counts counts) {
        PartSlots slots = round.slots(step, "test/round-slot", counts.allowance(step.part()));
        List<String> done = acted.computeIfAbsent(step.part(), p -> new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            String device = "d-" + step.part() + "-" + i;
            if (slots.take(device, step.runId())) done.add(device);
        }
        return WorkSteps.Outcome.partDone(Map.of(SurveyThenAct.SLOTS, slots.taken()), Map.of());
    }
}
