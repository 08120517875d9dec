package org.appban.work;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.appban.domain.Actor;
import org.appban.ports.Claims;

/**
 * The skeleton of a round that changes the fleet under the blast-radius cap, for a fleet no invocation reads whole
 * (network access's daily run, enforcement's deciding run): the part the rounds share, so each says only what its
 * survey counts and what its act does. Two phases, so that the cap holds for the round as it held for one run:
 * <ol>
 *   <li><b>survey</b> ({@code <schedule>/<day>...}): each part decides its devices and changes nothing, counting what it
 *       would do ({@code due}) and the devices in scope. When a part's survey ends its counts are kept (a completed
 *       claim, {@link #surveyed}); the part that finds every part counted opens the second phase, once (a claim): the
 *       round checks its cap on the whole fleet's counts there ({@link Opening}) and the act steps are handed on.</li>
 *   <li><b>act</b> ({@code <round>/act}): only once every part was counted ({@link Counts}); each part may do at most
 *       what its survey counted, each action taking one of the part's numbered slots ({@link PartSlots}), so a device
 *       due since the count waits for the next round and a step run twice cannot count twice.</li>
 * </ol>
 * A step's message carries the phase in its round's name, and the round's own steps ({@link WorkSteps}) hand on what is
 * left of a part when time runs short; the gate refuses what the round did not hand on.
 */
public final class SurveyThenAct {
    /** What a round's name ends with in its act phase. */
    public static final String ACT = "/act";
    /** The tally an act step carries: the slots its part has taken so far (a hint where to look for the next free one). */
    public static final String SLOTS = "slots";
    /** The tally of devices in scope a survey step carries. */
    public static final String IN_SCOPE = "devices";

    /** One step as a phase sees it. */
    public record Step(Continuation continuation, String round, Actor actor, String runId, BooleanSupplier timeLeft) {
        public int part() {
            return continuation.part();
        }

        public int parts() {
            return continuation.parts();
        }
    }

    /** A survey step of the round: counts, changes nothing, and calls {@link #surveyed} when its part is done. */
    @FunctionalInterface
    public interface Survey {
        WorkSteps.Outcome run(Step step);
    }

    /** An act step of the round, given every part's survey counts (it runs only once they are all in). */
    @FunctionalInterface
    public interface Act {
        WorkSteps.Outcome run(Step step, Counts counts);
    }

    /** Every part's survey counts: what the round would do ({@code due}) and the devices in scope, in all and by part. */
    public record Counts(long due, long inScope, List<Long> byPart) {
        /** What a part may do in its act phase: what its survey counted. */
        public long allowance(int part) {
            return byPart.get(part);
        }
    }

    /**
     * What a round decides when its last part is counted (its cap on the whole fleet's counts).
     *
     * @param outcome kept on the act phase's claim, and reported by the step that opened it
     * @param act     whether the act steps are handed on (no: the round stops here, on record)
     */
    public record Opening(String outcome, boolean act) {
    }

    /**
     * What a part's last survey step did about the act phase.
     *
     * @param byThisStep true when this step opened it
     * @param outcome    {@code waiting} (a part still counting), {@code started-elsewhere} (another step opened it), or
     *                   the {@link Opening}'s outcome
     */
    public record Opened(boolean byThisStep, String outcome) {
    }

    private final String keyPrefix;
    private final String due;
    private final WorkSteps work;
    private final Claims claims;
    private final int parts;
    private final Duration lease;
    private final Clock clock;

    /**
     * @param kind      the round's kind: the gate must let in that kind and no other
     * @param keyPrefix where the round's claims are kept ({@code nac/round}): its survey counts and its act phase's start
     * @param due       the name of what a survey counts (a tally name: {@code quarantines}, {@code removals})
     * @param parts     the parts a round is cut into: the workers that run it at once
     * @param lease     longer than a step can live: a dead holder's claim is taken over by its message's redelivery
     */
    public SurveyThenAct(String kind, String keyPrefix, String due, WorkSteps work, Claims claims, int parts, Duration lease, Clock clock) {
        if (parts < 1 || parts > 1000) throw new IllegalArgumentException("parts must be from 1 to 1000, was " + parts);
        if (!work.gate().kind().equals(kind)) throw new IllegalArgumentException("the gate lets in " + work.gate().kind() + ", not " + kind);
        if (!Continuation.isTallyName(due) || due.equals(IN_SCOPE) || due.equals(SLOTS)) {
            throw new IllegalArgumentException("'" + due + "' cannot name a survey's count");
        }
        this.keyPrefix = keyPrefix;
        this.due = due;
        this.work = work;
        this.claims = claims;
        this.parts = parts;
        this.lease = lease;
        this.clock = clock;
    }

    public int parts() {
        return parts;
    }

    public WorkSteps work() {
        return work;
    }

    /** Hands the round's survey on, one message per part (a second start of the same round is refused as replays). */
    public void start(String round) {
        work.start(round, parts);
    }

    /** A batch from the round's queue, each step run in its phase. */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, BooleanSupplier timeLeft,
                                     Consumer<Map<String, Object>> log, Survey survey, Act act) {
        return work.run(batch, runId, remainingMillis, c -> step(c, runId, timeLeft, survey, act), log);
    }

    private WorkSteps.Outcome step(Continuation c, String runId, BooleanSupplier timeLeft, Survey survey, Act act) {
        boolean acting = c.round().endsWith(ACT);
        String round = acting ? c.round().substring(0, c.round().length() - ACT.length()) : c.round();
        Actor actor = Actor.schedule(round.contains("/") ? round.substring(0, round.indexOf('/')) : round);
        Step step = new Step(c, round, actor, runId, timeLeft);
        if (!acting) return survey.run(step);
        Counts counts = counts(round, c.parts());
        if (counts == null) {
            // Only the last survey starts this phase, so this message was not handed on by the round: thrown, the
            // message returns and after its redeliveries lands in the dead-letter queue, whose alarm calls someone.
            throw new IllegalStateException("act step " + c.id() + " before every part of " + round + " was surveyed");
        }
        return act.run(step, counts);
    }

    /** A survey step's counts carried to the next step: this step's added to the part's so far. */
    public Map<String, Long> tally(Step step, long due, long inScope) {
        Continuation c = step.continuation();
        return Map.of(this.due, c.tally(this.due) + due, IN_SCOPE, c.tally(IN_SCOPE) + inScope);
    }

    /**
     * A part's survey ended with {@code tally} (its {@link #tally}): its counts are kept where the other parts find them
     * (a run of this step before kept them already: they stand), and when every part is counted the act phase is
     * opened, once (a claim): {@code opening} decides on the whole round's counts, and the act steps are handed on when
     * it says so. What {@code opening} throws gives the phase back, so the step's next run opens it.
     */
    public Opened surveyed(Step step, Map<String, Long> tally, Function<Counts, Opening> opening) {
        String round = step.round();
        String key = surveyKey(round, step.part(), step.parts());
        Claims.Outcome kept = claims.claim(key, step.runId(), clock.instant(), lease);
        if (kept == Claims.Outcome.CLAIMED || kept == Claims.Outcome.TAKEN_OVER) {
            claims.complete(key, step.runId(), due + "=" + tally.get(due) + ";" + IN_SCOPE + "=" + tally.get(IN_SCOPE), clock.instant());
        }
        Counts counts = counts(round, step.parts());
        if (counts == null) return new Opened(false, "waiting");
        String actKey = keyPrefix + "/" + round + ACT;
        Claims.Outcome o = claims.claim(actKey, step.runId(), clock.instant(), lease);
        if (o != Claims.Outcome.CLAIMED && o != Claims.Outcome.TAKEN_OVER) return new Opened(false, "started-elsewhere");
        String outcome;
        try {
            Opening decided = opening.apply(counts);
            if (decided.act()) work.start(round + ACT, step.parts());
            outcome = decided.outcome();
        } catch (RuntimeException e) {
            // Not started: the step is given back with it, and its next run starts the phase.
            claims.release(actKey, step.runId());
            throw e;
        }
        claims.complete(actKey, step.runId(), outcome, clock.instant());
        return new Opened(true, outcome);
    }

    /** A part's numbered slots for its act phase: at most what its survey counted, taken one an action. */
    public PartSlots slots(Step step, String slotPrefix, long allowance) {
        return new PartSlots(claims, clock, lease, slotPrefix + "/" + step.round() + "/" + step.part(), allowance,
                step.continuation().tally(SLOTS));
    }

    /** Every part's survey counts, or null while a part is still counting. */
    private Counts counts(String round, int parts) {
        List<String> keys = new ArrayList<>();
        for (int p = 0; p < parts; p++) keys.add(surveyKey(round, p, parts));
        Map<String, Claims.State> states = claims.states(keys);
        long allDue = 0;
        long inScope = 0;
        List<Long> byPart = new ArrayList<>();
        for (String key : keys) {
            Claims.State st = states.get(key);
            if (st == null || !st.completed()) return null;
            Map<String, Long> parsed = parse(st.outcome());
            allDue += parsed.getOrDefault(due, 0L);
            inScope += parsed.getOrDefault(IN_SCOPE, 0L);
            byPart.add(parsed.getOrDefault(due, 0L));
        }
        return new Counts(allDue, inScope, byPart);
    }

    private static Map<String, Long> parse(String outcome) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String pair : outcome.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
        }
        return out;
    }

    String surveyKey(String round, int part, int parts) {
        return keyPrefix + "/" + round + "/survey/" + part + "-of-" + parts;
    }
}
