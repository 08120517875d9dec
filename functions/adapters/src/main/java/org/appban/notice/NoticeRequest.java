package org.appban.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.policy.StageKind;
import org.appban.lambda.Json;

/**
 * Another function asks for an event-driven notice (access revoked or restored, removal escalated, exemption
 * granted, expiring or expired), with the facts the notice tells.
 *
 * <p>{@code occasion} makes the request idempotent: the same member, kind and occasion gets one email however
 * often the request is delivered. The requester picks it from the fact it reports, e.g. the exemption id for
 * exemption notices, or the ledger idempotency key of the quarantine for access-revoked, so a device quarantined
 * twice on two occasions gets two notices, but a retried event gets one.
 *
 * <p>Other functions send it as the {@code detail} of an EventBridge event with detail-type {@value #DETAIL_TYPE} on the
 * project's bus (see {@link NoticeRequests}); the notify-members function sends the email.
 *
 * <p>JSON form (strict; unknown fields rejected):
 * <pre>{"kind":"access-revoked","member":"m-001","device":"d-17","occurredAt":"2023-04-07T09:05+12:00",
 *  "occasion":"nac/quarantine/d-17/2023-04-07"}</pre>
 *
 * @param device     the device the event is about (required for access-revoked, access-restored, removal-escalated)
 * @param exemption  the exemption the event is about (required for the exemption kinds)
 * @param occurredAt when it happened (access cut at, restored at, ...)
 */
public record NoticeRequest(StageKind kind, String member, String device, String exemption, Instant occurredAt,
                            String occasion) {
    /** The EventBridge detail-type of a notice request. */
    public static final String DETAIL_TYPE = "NoticeRequested";

    private static final Pattern OCCASION = Pattern.compile("^[A-Za-z0-9._:/#@+=-]{1,200}$");

    public NoticeRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(occasion, "occasion");
        String problem = problem(kind, device, exemption, occasion);
        if (problem != null) throw new IllegalArgumentException(problem);
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
            String problem = problem(kind, device, exemption, occasion);
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
    public ObjectNode toDetail() {
        ObjectNode o = Json.object();
        o.put("kind", kind.wireName()).put("member", member);
        if (device != null) o.put("device", device);
        if (exemption != null) o.put("exemption", exemption);
        o.put("occurredAt", occurredAt.toString()).put("occasion", occasion);
        return o;
    }

    private static String problem(StageKind kind, String device, String exemption, String occasion) {
        if (kind.isScheduled()) {
            return "'" + kind.wireName() + "' is a scheduled stage; requests are for event-driven kinds only";
        }
        if (!OCCASION.matcher(occasion).matches()) {
            return "occasion must be 1 to 200 characters from letters, digits and ._:/#@+=-";
        }
        boolean needsDevice = kind == StageKind.ACCESS_REVOKED || kind == StageKind.ACCESS_RESTORED
                || kind == StageKind.REMOVAL_ESCALATED;
        if (needsDevice && (device == null || device.isBlank())) return kind.wireName() + " needs the device it is about";
        boolean needsExemption = kind == StageKind.EXEMPTION_GRANTED || kind == StageKind.EXEMPTION_EXPIRING
                || kind == StageKind.EXEMPTION_EXPIRED;
        if (needsExemption && (exemption == null || exemption.isBlank())) {
            return kind.wireName() + " needs the exemption it is about";
        }
        return null;
    }
}
