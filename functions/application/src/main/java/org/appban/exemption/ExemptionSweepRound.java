package org.appban.exemption;

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
import org.appban.work.Continuation;
import org.appban.work.WorkBatch;
import org.appban.work.WorkSteps;

/**
 * The daily exemption sweep as a round of queued steps, for more exemptions with a notice due than an invocation
 * asks for. The schedule hands the day's sweep on as one message (one part), and the steps run from the queue: each
 * reads the exemptions with a notice due ({@link ExemptionService#sweepDue}, an index of those only, in the order
 * they fell due), stops starting exemptions when its time runs short, and hands the rest on from the last one it
 * finished, ending normally (no failure, no alarm). What comes in on the queue passes the gate first
 * ({@link org.appban.work.ContinuationGate}): a malformed message, one of another kind or stage, a replay of a step
 * done or a part past its step limit is refused and recorded. A step that fails (DynamoDB, EventBridge unreachable) is
 * given back and its message returns. Asking twice is harmless either way: a notice asked for is on the ledger under
 * its once-only key.
 */
public final class ExemptionSweepRound {
    public static final String KIND = "exemption-sweep";

    private final ExemptionService service;
    private final WorkSteps work;
    private final Clock clock;
    private final ZoneId zone;

    /** @param zone the policy's calendar zone: the day that names a round */
    public ExemptionSweepRound(ExemptionService service, WorkSteps work, Clock clock, ZoneId zone) {
        if (!work.gate().kind().equals(KIND)) throw new IllegalArgumentException("the gate lets in " + work.gate().kind() + ", not " + KIND);
        this.service = service;
        this.work = work;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * The schedule's sweep, handed on as its first step: named by the schedule and the policy's day, so a second
     * delivery of the same schedule event hands on the same step, which the gate refuses as a replay.
     */
    public Map<String, Object> start(String schedule) {
        String round = schedule + "/" + LocalDate.ofInstant(clock.instant(), zone);
        work.start(round, 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("schedule", schedule);
        out.put("status", "handed-on");
        out.put("round", round);
        return out;
    }

    /**
     * A batch from the round's queue.
     *
     * @param outOfTime true once a step should stop starting exemptions
     * @param log       each step's line, as it finishes
     */
    public Map<String, Object> steps(WorkBatch batch, String runId, long remainingMillis, BooleanSupplier outOfTime,
                                     Consumer<Map<String, Object>> log) {
        return work.run(batch, runId, remainingMillis, c -> step(c, outOfTime), log);
    }

    /** One step: the exemptions with a notice due, from the step's cursor on, until done or short of time. */
    private WorkSteps.Outcome step(Continuation c, BooleanSupplier outOfTime) {
        String schedule = c.round().contains("/") ? c.round().substring(0, c.round().indexOf('/')) : c.round();
        ExemptionService.SweepStep r = service.sweepDue(Actor.schedule(schedule), c.cursor(), outOfTime);
        long failed = r.notices().stream().filter(n -> !"requested".equals(n.result())).count();
        // The day's counts so far, carried from step to step: the last step's line says what the whole sweep did.
        Map<String, Long> tally = Map.of("exemptions", c.tally("exemptions") + r.exemptions(),
                "requested", c.tally("requested") + r.notices().size() - failed, "failed", c.tally("failed") + failed);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("exemptions", r.exemptions());
        report.put("at", r.at().toString());
        report.put("notices", lines(r.notices()));
        report.put("failedNotices", failed);
        return r.finished() ? WorkSteps.Outcome.partDone(tally, report) : WorkSteps.Outcome.handOn(r.position(), tally, report);
    }

    /** The notices a sweep asked for, as its report lists them. */
    public static List<Map<String, Object>> lines(List<SweepReport.Item> items) {
        List<Map<String, Object>> notices = new ArrayList<>();
        for (SweepReport.Item n : items) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("exemption", n.exemption());
            line.put("member", n.member());
            line.put("kind", n.kind());
            line.put("occurredAt", n.occurredAt().toString());
            line.put("result", n.result());
            if (n.detail() != null) line.put("detail", n.detail());
            notices.add(line);
        }
        return notices;
    }
}
