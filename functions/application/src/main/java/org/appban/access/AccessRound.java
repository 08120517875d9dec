package org.appban.access;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.appban.ports.Claims;
import org.appban.work.SurveyThenAct;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;

/**
 * Network access's daily run as a round of queued steps, for a fleet no invocation reads whole. The fleet is cut into
 * parts (DynamoDB's parallel-Scan segments of the devices table) and each part is worked a page at a time; a step
 * short of time hands the rest of its part on ({@link WorkSteps}) and ends normally. Two phases ({@link SurveyThenAct},
 * the skeleton it shares with enforcement's round), so that the blast-radius cap holds for the round as it held for
 * one run:
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
    static final String DUE = "quarantines";

    private final NetworkAccessService service;
    private final SurveyThenAct phases;
    private final ZoneId zone;
    private final Clock clock;

    /** @param parts the parts a round is cut into: the workers that run it at once */
    public AccessRound(NetworkAccessService service, WorkSteps work, Claims claims, int parts, ZoneId zone, Clock clock) {
        this.phases = new SurveyThenAct(KIND, "nac/round", DUE, work, claims, parts, NetworkAccessService.CLAIM_LEASE, clock);
        this.service = service;
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * The schedule's run: hands the round's survey on, one message per part. The round is named by the schedule and
     * the policy's day, so the same schedule delivered twice hands on the same steps, which the gate refuses as replays.
     */
    public Map<String, Object> start(String schedule) {
        String round = schedule + "/" + LocalDate.ofInstant(clock.instant(), zone);
        phases.start(round);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("status", "handed-on");
        out.put("schedule", schedule);
        out.put("round", round);
        out.put("phase", "survey");
        out.put("parts", phases.parts());
        return out;
    }

    /** A batch from the round's queue. */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, BooleanSupplier timeLeft, Consumer<Map<String, Object>> log) {
        return phases.steps(batch, runId, remainingMillis, timeLeft, log, this::survey, this::act);
    }

    private WorkSteps.Outcome survey(SurveyThenAct.Step step) {
        NetworkAccessService.PartStep s = service.survey(step.part(), step.parts(), step.continuation().cursor(), step.timeLeft());
        Map<String, Long> tally = phases.tally(step, s.quarantines(), s.inScope());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("phase", "survey");
        report.put("devices", s.devices());
        report.put("quarantinesDue", s.quarantines());
        if (!s.finished()) return WorkSteps.Outcome.handOn(s.cursor(), tally, report);
        // The last survey checks the cap on the whole fleet's counts: over it, no part quarantines anything (recorded
        // once for the round, administrators told), exactly as a run over the cap quarantines nothing; the act steps
        // still run, and find nothing they may do.
        SurveyThenAct.Opened opened = phases.surveyed(step, tally, counts -> {
            NetworkAccessService.RoundCap cap = service.roundCap(counts.due(), counts.inScope());
            if (!cap.allowed()) service.roundHeld(step.round(), cap, step.actor(), step.runId());
            return new SurveyThenAct.Opening("started", true);
        });
        report.put("actStarted", opened.byThisStep());
        return WorkSteps.Outcome.partDone(tally, report);
    }

    private WorkSteps.Outcome act(SurveyThenAct.Step step, SurveyThenAct.Counts counts) {
        NetworkAccessService.RoundCap cap = service.roundCap(counts.due(), counts.inScope());
        NetworkAccessService.PartStep s = service.act(step.round(), step.part(), step.parts(), step.continuation().cursor(), cap,
                counts.allowance(step.part()), step.continuation().tally(SurveyThenAct.SLOTS), step.actor(), step.runId(), step.timeLeft());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("phase", "act");
        report.put("devices", s.devices());
        report.put("allowance", counts.allowance(step.part()));
        if (s.stoppedBy() != null) report.put("stoppedBy", s.stoppedBy());
        report.put("access", s.report());
        Map<String, Long> tally = Map.of(SurveyThenAct.SLOTS, s.quarantines());
        return s.finished() ? WorkSteps.Outcome.partDone(tally, report) : WorkSteps.Outcome.handOn(s.cursor(), tally, report);
    }
}
