package org.appban.notice;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.appban.policy.StageKind;

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
 * <p>JSON form (strict; unknown fields rejected; read and written by {@code NoticeRequestJson} in the adapters):
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

    /** What is wrong with these facts for a request, or null (the parser and the constructor ask the same). */
    public static String problem(StageKind kind, String device, String exemption, String occasion) {
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
