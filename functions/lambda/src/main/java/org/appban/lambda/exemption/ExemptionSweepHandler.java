package org.appban.lambda.exemption;

import org.appban.exemption.ExemptionService;
import org.appban.exemption.ExemptionSweepRound;
import org.appban.exemption.SweepReport;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.appban.aws.SdkPriming;
import org.appban.domain.Actor;
import org.appban.input.StrictObject;
import org.appban.lambda.Trigger;
import org.appban.lambda.JsonHandler;
import org.appban.lambda.Priming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

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
 * With a work queue (on AWS), the schedule hands the day's sweep on ({@link ExemptionSweepRound}) and the queue's
 * batches are its steps; a step that fails three times lands in ExemptionSweepFailedEvents, whose alarm calls an
 * administrator. Without one (the rehearsal), the sweep runs in the invocation.
 */
public final class ExemptionSweepHandler extends JsonHandler {
    /** Left of the invocation's time when a step stops starting exemptions (at most a quarter of its time). */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(20);

    private final ExemptionService service;
    /** The sweep as a round on the function's own queue; null: it runs in the invocation (the rehearsal). */
    private final ExemptionSweepRound round;

    public ExemptionSweepHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private ExemptionSweepHandler(Production production) {
        this(production, production.exemptionService());
    }

    private ExemptionSweepHandler(Production production, ExemptionService service) {
        this(service, production.exemptionSweepRound(service));
        Priming.register("exemption-sweep", ExemptionSweepHandler::warmUp);
    }

    public ExemptionSweepHandler(ExemptionService service) {
        this(service, null);
    }

    public ExemptionSweepHandler(ExemptionService service, ExemptionSweepRound round) {
        this.service = service;
        this.round = round;
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
        if (round != null && t instanceof Trigger.SqsMessages batch) {
            String runId = context == null || context.getAwsRequestId() == null ? "local-" + java.util.UUID.randomUUID() : context.getAwsRequestId();
            long remaining = context == null ? 0 : context.getRemainingTimeInMillis();
            return round.steps(batch.work(), runId, remaining, outOfTime(context), line -> log(org.appban.json.Json.write(line), context));
        }
        if (!(t instanceof Trigger.Schedule || t instanceof Trigger.DirectInvocation)) {
            throw Trigger.notHandled("exemption-sweep", t, "its daily schedule {\"trigger\": \"schedule\"}");
        }
        String schedule = schedule(event);
        if (round != null) {
            Map<String, Object> out = round.start(schedule);
            log(org.appban.json.Json.write(out), context);
            return out;
        }
        SweepReport report = service.sweep(Actor.schedule(schedule));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("schedule", schedule);
        out.put("status", report.notices().stream().anyMatch(n -> !"requested".equals(n.result())) ? "incomplete" : "done");
        out.put("at", report.at().toString());
        out.put("activeExemptions", report.active());
        out.put("notices", ExemptionSweepRound.lines(report.notices()));
        return out;
    }

    /** Stop starting exemptions with a margin left (at most a quarter of the time), read from the context each time. */
    private static BooleanSupplier outOfTime(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) return () -> false;
        long margin = Math.min(SAFETY_MARGIN.toMillis(), Math.max(1, context.getRemainingTimeInMillis() / 4));
        return () -> context.getRemainingTimeInMillis() <= margin;
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
