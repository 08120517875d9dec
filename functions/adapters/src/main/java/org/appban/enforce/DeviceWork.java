package org.appban.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import org.appban.domain.Actor;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/**
 * One device action on its way from the run that decided it to the worker that performs it (an SQS message body,
 * or an item of the in-process queue). It carries the decision, and the worker acts on it without deciding again
 * (when the device came into scope is the plan's {@code inScopeSince}); it only checks that the decision's premises
 * still hold before it acts: the kill switch, the device, its exemptions, the app still listed.
 *
 * <pre>{"action":"sync","device":"intune:6f1...","runId":"...","actor":"schedule:deadline","day":"2023-03-31",
 *  "newRemoval":true,"inScopeSince":"2023-03-30T11:00:00Z"}</pre>
 *
 * @param day the local day the run decided on: the check-in is once per device per such day
 */
public record DeviceWork(DeviceAction.Kind action, String device, String runId, Actor actor, LocalDate day, boolean newRemoval,
                         Instant inScopeSince) {

    public static DeviceWork of(DeviceAction a, String runId, Actor actor, LocalDate day) {
        return new DeviceWork(a.kind(), a.device(), runId, actor, day, a.newRemoval(), a.inScopeSince());
    }

    public String toJson() {
        ObjectNode o = Json.object();
        o.put("action", action.wireName()).put("device", device).put("runId", runId).put("actor", actor.toString())
                .put("day", day.toString()).put("newRemoval", newRemoval).put("inScopeSince", inScopeSince.toString());
        return Json.write(o);
    }

    /** Parses a message body strictly; every problem is named with {@code source} (e.g. the SQS message id). */
    public static DeviceWork parse(String body, String source) {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (java.io.IOException e) {
            throw new InvalidInputException(source, "", "not JSON");
        }
        if (node == null) throw new InvalidInputException(source, "", "empty body");
        StrictObject.Problems problems = new StrictObject.Problems(source);
        StrictObject o = StrictObject.root(node, problems);
        DeviceAction.Kind action = o.parsed("action", true, "sync or escalate", DeviceAction.Kind::parse);
        String device = o.text("device");
        String runId = o.text("runId");
        Actor actor = o.parsed("actor", true, "kind:id, e.g. schedule:deadline", DeviceWork::actor);
        LocalDate day = o.date("day", true);
        Boolean newRemoval = o.bool("newRemoval", false);
        Instant since = o.instant("inScopeSince", true);
        o.rejectUnknownFields();
        problems.throwIfAny();
        return new DeviceWork(action, device, runId, actor, day, newRemoval, since);
    }

    private static Actor actor(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) throw new IllegalArgumentException("'" + text + "' is not kind:id");
        return new Actor(Actor.Kind.parse(text.substring(0, colon)), text.substring(colon + 1));
    }
}
