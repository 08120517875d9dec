package org.appban.lambda.exemption;

import org.appban.exemption.ExemptionService;
import org.appban.exemption.SweepReport;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.aws.SdkPriming;
import org.appban.domain.Actor;
import org.appban.input.StrictObject;
import org.appban.lambda.Trigger;
import org.appban.lambda.JsonHandler;
import org.appban.lambda.Priming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;
import org.appban.work.Continuation;
import org.appban.work.ContinuationGate;
import org.appban.work.WorkBatch;
import org.appban.work.WorkQueue;
import org.appban.work.WorkSteps;

/**
 * The daily exemption sweep: asks for the exemption notices that fell due (expiring, expired, and grants whose
 * notice could not be asked for at the time) through {@link ExemptionService#sweep}. Its own small function rather
 * than a schedule on the admin function: that one is manual-only behind an IAM-authenticated URL and may flip the
 * kill switch and export the ledger, none of which a timer needs. This one only reads exemptions and the ledger and
 * asks for notices (see template.yaml).
 *
 * <p>Trigger: {@code {"trigger": "schedule", "schedule": "exemption-sweep-daily"}} from its ScheduleV2. Administrators
 * who want a sweep now use the admin function's {@code exemption.sweep}.
 *
 * <h2>A sweep longer than an invocation</h2>
 * With a work queue ({@link Work}, on AWS), the schedule hands the day's sweep on as one message
 * ({@link Continuation}, one part), and the steps run from the queue: each reads the exemptions with a notice due
 * ({@link ExemptionService#sweepDue}, an index of those only, in the order they fell due), stops starting
 * exemptions when its time runs short, and hands the rest on from the last one it finished, ending normally (no
 * failure, no alarm). What comes in on the queue passes {@link ContinuationGate} first: a malformed message, one of
 * another kind or stage, a replay of a step done or a part past its step limit is refused and recorded. A step that
 * fails (DynamoDB, EventBridge unreachable) is given back and its message returns; after three deliveries it lands
 * in ExemptionSweepFailedEvents, whose alarm calls an administrator. Asking twice is harmless either way: a notice
 * asked for is on the ledger under its once-only key.
 */
public final class ExemptionSweepHandler extends JsonHandler {
    /** Left of the invocation's time when a step stops starting exemptions (at most a quarter of its time). */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(20);

    private final ExemptionService service;
    /** Where the daily sweep is handed on; null: it runs in the invocation (the rehearsal). */
    private final Work work;

    /** The sweep as work on the function's own queue, what is let in from there, and the policy's calendar zone. */
    public record Work(WorkQueue queue, ContinuationGate gate, Clock clock, ZoneId zone) {
        public static final String KIND = "exemption-sweep";

        public Work {
            if (!gate.kind().equals(KIND)) throw new IllegalArgumentException("the gate lets in " + gate.kind() + ", not " + KIND);
        }
    }

    public ExemptionSweepHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private ExemptionSweepHandler(Production production) {
        this(production.exemptionService(), production.exemptionSweepWork((queue, gate, clock, zone) -> new Work(queue, gate.apply(Work.KIND), clock, zone)));
        Priming.register("exemption-sweep", ExemptionSweepHandler::warmUp);
    }

    public ExemptionSweepHandler(ExemptionService service) {
        this(service, null);
    }

    public ExemptionSweepHandler(ExemptionService service, Work work) {
        this.service = service;
        this.work = work;
    }

    /** SnapStart priming: the SDK calls and the schedule event read; no exemption is read and no notice asked for. */
    static void warmUp() {
        SdkPriming.dynamoDb();
        SdkPriming.eventBridge();
        schedule(JsonHandler.warmUp("{\"trigger\":\"schedule\",\"schedule\":\"exemption-sweep-daily\"}"));
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        Trigger t = Trigger.of(event);
        if (work != null && t instanceof Trigger.SqsMessages batch) return steps(batch.work(), context);
        if (!(t instanceof Trigger.Schedule || t instanceof Trigger.DirectInvocation)) {
            throw Trigger.notHandled("exemption-sweep", t, "its daily schedule {\"trigger\": \"schedule\"}");
        }
        String schedule = schedule(event);
        if (work != null) return handOn(schedule, context);
        SweepReport report = service.sweep(Actor.schedule(schedule));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("schedule", schedule);
        out.put("status", report.notices().stream().anyMatch(n -> !"requested".equals(n.result())) ? "incomplete" : "done");
        out.put("at", report.at().toString());
        out.put("activeExemptions", report.active());
        out.put("notices", lines(report.notices()));
        return out;
    }

    /**
     * The schedule's sweep, handed on as its first step: named by the schedule and the policy's day, so a second
     * delivery of the same schedule event hands on the same step, which the gate refuses as a replay.
     */
    private Map<String, Object> handOn(String schedule, Context context) {
        String round = schedule + "/" + LocalDate.ofInstant(work.clock().instant(), work.zone());
        new WorkSteps(work.gate(), work.queue()).start(round, 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("schedule", schedule);
        out.put("status", "handed-on");
        out.put("round", round);
        log(org.appban.json.Json.write(out), context);
        return out;
    }

    /** The work queue's messages, each a step of the day's sweep (see the class comment). */
    private Map<String, Object> steps(WorkBatch batch, Context context) {
        String runId = context == null || context.getAwsRequestId() == null ? "local-" + java.util.UUID.randomUUID() : context.getAwsRequestId();
        long remaining = context == null ? 0 : context.getRemainingTimeInMillis();
        return new WorkSteps(work.gate(), work.queue()).run(batch, runId, remaining, c -> step(c, context),
                line -> log(org.appban.json.Json.write(line), context));
    }

    /** One step: the exemptions with a notice due, from the step's cursor on, until done or short of time. */
    private WorkSteps.Outcome step(Continuation c, Context context) {
        String schedule = c.round().contains("/") ? c.round().substring(0, c.round().indexOf('/')) : c.round();
        ExemptionService.SweepStep r = service.sweepDue(Actor.schedule(schedule), c.cursor(), outOfTime(context));
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

    /** Stop starting exemptions with a margin left (at most a quarter of the time), read from the context each time. */
    private static java.util.function.BooleanSupplier outOfTime(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) return () -> false;
        long margin = Math.min(SAFETY_MARGIN.toMillis(), Math.max(1, context.getRemainingTimeInMillis() / 4));
        return () -> context.getRemainingTimeInMillis() <= margin;
    }

    private static List<Map<String, Object>> lines(List<SweepReport.Item> items) {
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

    private static void log(String line, Context context) {
        if (context != null && context.getLogger() != null) context.getLogger().log(line + "\n");
        else System.out.println(line);
    }

    /** The schedule's name, from an event that must be exactly the schedule's input. */
    static String schedule(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("exemption sweep event");
        StrictObject o = StrictObject.root(event, problems);
        String trigger = o.text("trigger");
        String schedule = o.scheduleName("schedule", "exemption-sweep-daily");
        o.rejectUnknownFields();
        if (trigger != null && !trigger.equals("schedule")) {
            o.problem("trigger", "must be schedule (manual sweeps go through the admin function's exemption.sweep)");
        }
        problems.throwIfAny();
        return schedule;
    }
}
