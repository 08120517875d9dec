package org.appban.lambda.exemption;

import org.appban.exemption.ExemptionService;
import org.appban.exemption.SweepReport;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The daily exemption sweep: asks for the exemption notices that fell due (expiring, expired, and grants whose
 * notice could not be asked for at the time) through {@link ExemptionService#sweep}. Its own small function rather
 * than a schedule on the admin function: that one is manual-only behind an IAM-authenticated URL and may flip the
 * kill switch and export the ledger, none of which a timer needs. This one only reads exemptions and the ledger and
 * asks for notices (see template.yaml).
 *
 * <p>Trigger: {@code {"trigger": "schedule", "schedule": "exemption-sweep-daily"}} from its ScheduleV2. Administrators
 * who want a sweep now use the admin function's {@code exemption.sweep}.
 */
public final class ExemptionSweepHandler extends JsonHandler {
    private final ExemptionService service;

    public ExemptionSweepHandler() {
        this(new Production(Settings.fromEnvironment()).exemptionService());
        Priming.register("exemption-sweep", ExemptionSweepHandler::warmUp);
    }

    public ExemptionSweepHandler(ExemptionService service) {
        this.service = service;
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
        if (!(t instanceof Trigger.Schedule || t instanceof Trigger.DirectInvocation)) {
            throw Trigger.notHandled("exemption-sweep", t, "its daily schedule {\"trigger\": \"schedule\"}");
        }
        String schedule = schedule(event);
        SweepReport report = service.sweep(Actor.schedule(schedule));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", "schedule");
        out.put("schedule", schedule);
        out.put("status", report.notices().stream().anyMatch(n -> !"requested".equals(n.result())) ? "incomplete" : "done");
        out.put("at", report.at().toString());
        out.put("activeExemptions", report.active());
        List<Map<String, Object>> notices = new ArrayList<>();
        for (SweepReport.Item n : report.notices()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("exemption", n.exemption());
            line.put("member", n.member());
            line.put("kind", n.kind());
            line.put("occurredAt", n.occurredAt().toString());
            line.put("result", n.result());
            if (n.detail() != null) line.put("detail", n.detail());
            notices.add(line);
        }
        out.put("notices", notices);
        return out;
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
