package org.appban.access;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.appban.domain.Actor;
import org.appban.ports.Claims;
import org.appban.work.Continuation;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;

/**
 * Network access's daily run as a round of queued steps, for a fleet no invocation reads whole. The fleet is cut into
 * parts (DynamoDB's parallel-Scan segments of the devices table) and each part is worked a page at a time; a step
 * short of time hands the rest of its part on ({@link WorkSteps}) and ends normally. Two phases, so that the
 * blast-radius cap holds for the round as it held for one run:
 * <ol>
 *   <li><b>survey</b> ({@code <schedule>/<day>}): each part decides its devices and changes nothing, counting the
 *       quarantines due and the devices in scope. When a part's survey ends its counts are kept (a completed claim);
 *       the part that finds every part counted starts the second phase, once (a claim).</li>
 *   <li><b>act</b> ({@code <schedule>/<day>/act}): the cap is checked on the whole fleet's counts, as one run's: over
 *       it, no part quarantines anything (recorded once for the round, administrators told), exactly as a run over the
 *       cap quarantines nothing. Within it, each part decides its devices afresh and acts on them in the part's
 *       order, and may quarantine at most what its survey counted, each quarantine taking a numbered slot of
 *       the part (a claim): a device due since the count waits for tomorrow's round, and a step run twice cannot
 *       count twice. The kill switch is read by every step.</li>
 * </ol>
 * Every NAC command keeps its own claim and ledger key ({@link NetworkAccessService}), so a step run again does
 * nothing twice.
 */
public final class AccessRound {
    public static final String KIND = "network-access-round";
    static final String ACT = "/act";
    /** The slots a part's act steps have taken so far (a hint where to look for the next free one). */
    static final String SLOTS = "slots";
    static final String DUE = "quarantines";
    static final String IN_SCOPE = "devices";

    private final NetworkAccessService service;
    private final WorkSteps work;
    private final Claims claims;
    private final int parts;
    private final ZoneId zone;
    private final Clock clock;

    /** @param parts the parts a round is cut into: the workers that run it at once */
    public AccessRound(NetworkAccessService service, WorkSteps work, Claims claims, int parts, ZoneId zone, Clock clock) {
        if (parts < 1 || parts > 1000) throw new IllegalArgumentException("parts must be from 1 to 1000, was " + parts);
        if (!work.gate().kind().equals(KIND)) throw new IllegalArgumentException("the gate lets in " + work.gate().kind() + ", not " + KIND);
        this.service = service;
        this.work = work;
        this.claims = claims;
        this.parts = parts;
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * The schedule's run: hands the round's survey on, one message per part. The round is named by the schedule and
     * the policy's day, so the same schedule delivered twice hands on the same steps, which the gate refuses as replays.
     */
    public Map<String, Object> start(String schedule) {
        String round = schedule + "/" + LocalDate.ofInstant(clock.instant(), zone);
        work.start(round, parts);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("status", "handed-on");
        out.put("schedule", schedule);
        out.put("round", round);
        out.put("phase", "survey");
        out.put("parts", parts);
        return out;
    }

    /** A batch from the round's queue. */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, BooleanSupplier timeLeft, Consumer<Map<String, Object>> log) {
        return work.run(batch, runId, remainingMillis, c -> step(c, runId, timeLeft), log);
    }

    private WorkSteps.Outcome step(Continuation c, String runId, BooleanSupplier timeLeft) {
        boolean act = c.round().endsWith(ACT);
        String round = act ? c.round().substring(0, c.round().length() - ACT.length()) : c.round();
        Actor actor = Actor.schedule(round.contains("/") ? round.substring(0, round.indexOf('/')) : round);
        return act ? act(c, round, actor, runId, timeLeft) : survey(c, round, actor, runId, timeLeft);
    }

    private WorkSteps.Outcome survey(Continuation c, String round, Actor actor, String runId, BooleanSupplier timeLeft) {
        NetworkAccessService.PartStep s = service.survey(c.part(), c.parts(), c.cursor(), timeLeft);
        Map<String, Long> tally = Map.of(DUE, c.tally(DUE) + s.quarantines(), IN_SCOPE, c.tally(IN_SCOPE) + s.inScope());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("phase", "survey");
        report.put("devices", s.devices());
        report.put("quarantinesDue", s.quarantines());
        if (!s.finished()) return WorkSteps.Outcome.handOn(s.cursor(), tally, report);
        // The part's count, kept where the other parts find it. A run of this step before kept it already: it stands.
        String key = surveyKey(round, c.part(), c.parts());
        Claims.Outcome o = claims.claim(key, runId, clock.instant(), NetworkAccessService.CLAIM_LEASE);
        if (o == Claims.Outcome.CLAIMED || o == Claims.Outcome.TAKEN_OVER) {
            claims.complete(key, runId, DUE + "=" + tally.get(DUE) + ";" + IN_SCOPE + "=" + tally.get(IN_SCOPE), clock.instant());
        }
        report.put("actStarted", startActWhenCounted(round, c.parts(), actor, runId));
        return WorkSteps.Outcome.partDone(tally, report);
    }

    /** Starts the act phase once every part is counted, and only once (a claim); true when this step started it. */
    private boolean startActWhenCounted(String round, int parts, Actor actor, String runId) {
        Counts counts = counts(round, parts);
        if (counts == null) return false;
        String key = "nac/round/" + round + "/act";
        Claims.Outcome o = claims.claim(key, runId, clock.instant(), NetworkAccessService.CLAIM_LEASE);
        if (o != Claims.Outcome.CLAIMED && o != Claims.Outcome.TAKEN_OVER) return false;
        try {
            NetworkAccessService.RoundCap cap = service.roundCap(counts.due, counts.inScope);
            if (!cap.allowed()) service.roundHeld(round, cap, actor, runId);
            work.start(round + ACT, parts);
        } catch (RuntimeException e) {
            // Not started: the step is given back with it, and its next run starts the phase.
            claims.release(key, runId);
            throw e;
        }
        claims.complete(key, runId, "started", clock.instant());
        return true;
    }

    private WorkSteps.Outcome act(Continuation c, String round, Actor actor, String runId, BooleanSupplier timeLeft) {
        Counts counts = counts(round, c.parts());
        if (counts == null) {
            // Only the last survey starts this phase, so this message was not handed on by the round: thrown, the
            // message returns and after its redeliveries lands in the dead-letter queue, whose alarm calls someone.
            throw new IllegalStateException("act step " + c.id() + " before every part of " + round + " was surveyed");
        }
        NetworkAccessService.RoundCap cap = service.roundCap(counts.due, counts.inScope);
        NetworkAccessService.PartStep s = service.act(round, c.part(), c.parts(), c.cursor(), cap, counts.byPart.get(c.part()),
                c.tally(SLOTS), actor, runId, timeLeft);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("phase", "act");
        report.put("devices", s.devices());
        report.put("allowance", counts.byPart.get(c.part()));
        if (s.stoppedBy() != null) report.put("stoppedBy", s.stoppedBy());
        report.put("access", s.report());
        Map<String, Long> tally = Map.of(SLOTS, s.quarantines());
        return s.finished() ? WorkSteps.Outcome.partDone(tally, report) : WorkSteps.Outcome.handOn(s.cursor(), tally, report);
    }

    /** Every part's survey counts, or null while a part is still counting. */
    private Counts counts(String round, int parts) {
        List<String> keys = new ArrayList<>();
        for (int p = 0; p < parts; p++) keys.add(surveyKey(round, p, parts));
        Map<String, Claims.State> states = claims.states(keys);
        long due = 0;
        long inScope = 0;
        List<Long> byPart = new ArrayList<>();
        for (String key : keys) {
            Claims.State st = states.get(key);
            if (st == null || !st.completed()) return null;
            Map<String, Long> parsed = parse(st.outcome());
            due += parsed.getOrDefault(DUE, 0L);
            inScope += parsed.getOrDefault(IN_SCOPE, 0L);
            byPart.add(parsed.getOrDefault(DUE, 0L));
        }
        return new Counts(due, inScope, byPart);
    }

    private static Map<String, Long> parse(String outcome) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String pair : outcome.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
        }
        return out;
    }

    static String surveyKey(String round, int part, int parts) {
        return "nac/round/" + round + "/survey/" + part + "-of-" + parts;
    }

    private record Counts(long due, long inScope, List<Long> byPart) {
    }
}
