package org.appban.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.json.Json;
import org.appban.policy.StageKind;

/** The JSON form of a {@link NoticeRequest} (the detail of a {@value NoticeRequest#DETAIL_TYPE} event), read strictly. */
public final class NoticeRequestJson {
    private NoticeRequestJson() {
    }

    public static NoticeRequest parse(JsonNode json, String source) {
        StrictObject.Problems problems = new StrictObject.Problems(source);
        StrictObject o = StrictObject.root(json, problems);
        StageKind kind = o.parsed("kind", true, "an event-driven notice kind", StageKind::parse);
        String member = o.text("member");
        String device = o.optionalText("device").orElse(null);
        String exemption = o.optionalText("exemption").orElse(null);
        Instant occurredAt = o.instant("occurredAt", true);
        String occasion = o.text("occasion");
        o.rejectUnknownFields();
        if (kind != null && occasion != null) {
            String problem = NoticeRequest.problem(kind, device, exemption, occasion);
            if (problem != null) problems.add("", problem);
        }
        problems.throwIfAny();
        try {
            return new NoticeRequest(kind, member, device, exemption, occurredAt, occasion);
        } catch (RuntimeException e) {
            throw new InvalidInputException(source, "", e.getMessage());
        }
    }

    /** The JSON form {@link #parse} reads back. */
    public static ObjectNode detail(NoticeRequest r) {
        ObjectNode o = Json.object();
        o.put("kind", r.kind().wireName()).put("member", r.member());
        if (r.device() != null) o.put("device", r.device());
        if (r.exemption() != null) o.put("exemption", r.exemption());
        o.put("occurredAt", r.occurredAt().toString()).put("occasion", r.occasion());
        return o;
    }
}
