package org.appban.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Asks for the access notices on the project's event bus: detail-type {@value #DETAIL_TYPE}, source
 * {@value #SOURCE}, detail in the JSON form of {@code org.appban.notice.NoticeRequest}
 * ({@code {"kind":"access-revoked","member":...,"device":...,"occurredAt":...,"occasion":...}}), which a rule on
 * the bus delivers to the notify-members function.
 *
 * <p>A refused entry is an exception: the caller's action fails before its claim is completed, and the retry asks
 * again (the occasion makes that harmless).
 */
public final class EventBridgeAccessNotices implements AccessNotices {
    public static final String SOURCE = "appban.network";
    public static final String DETAIL_TYPE = "NoticeRequested";

    private final EventBridgeClient events;
    private final String busName;
    private final ObjectMapper mapper = new ObjectMapper();

    public EventBridgeAccessNotices(EventBridgeClient events, String busName) {
        this.events = Objects.requireNonNull(events, "events");
        this.busName = Objects.requireNonNull(busName, "busName");
    }

    @Override
    public void revoked(String member, String device, Instant at, String occasion) {
        publish("access-revoked", member, device, at, occasion);
    }

    @Override
    public void restored(String member, String device, Instant at, String occasion) {
        publish("access-restored", member, device, at, occasion);
    }

    /** The event's detail: the JSON form of a notice request. */
    static String detail(ObjectMapper mapper, String kind, String member, String device, Instant at, String occasion) {
        ObjectNode detail = mapper.createObjectNode().put("kind", kind).put("member", member).put("device", device)
                .put("occurredAt", at.toString()).put("occasion", occasion);
        return detail.toString();
    }

    private void publish(String kind, String member, String device, Instant at, String occasion) {
        String detail = detail(mapper, kind, member, device, at, occasion);
        PutEventsResponse r = events.putEvents(b -> b.entries(e -> e.eventBusName(busName).source(SOURCE)
                .detailType(DETAIL_TYPE).detail(detail)));
        if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
            var entry = r.entries().get(0);
            throw new IllegalStateException("EventBridge refused the " + kind + " notice request for " + member + " ("
                    + occasion + ") on bus " + busName + ": " + entry.errorCode() + " " + entry.errorMessage());
        }
    }
}
