package org.appban.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import org.appban.domain.Actor;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;

/** A {@link DeviceWork} as an SQS message body (the format is in its comment), written and strictly read. */
public final class DeviceWorkJson {
    private DeviceWorkJson() {
    }

    public static String write(DeviceWork w) {
        ObjectNode o = Json.object();
        o.put("action", w.action().wireName()).put("device", w.device()).put("runId", w.runId()).put("actor", w.actor().toString())
                .put("day", w.day().toString()).put("newRemoval", w.newRemoval()).put("inScopeSince", w.inScopeSince().toString());
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
        Actor actor = o.parsed("actor", true, "kind:id, e.g. schedule:deadline", DeviceWorkJson::actor);
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
