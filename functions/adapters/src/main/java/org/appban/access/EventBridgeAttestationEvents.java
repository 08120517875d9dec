package org.appban.access;

import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import org.appban.json.Json;

/** Publishes {@code MemberAttested} ({@code {"member":...,"at":...}}) on the project's bus. */
public final class EventBridgeAttestationEvents implements AttestationEvents {
    private final Supplier<EventBridgeClient> events;
    private final String busName;

    public EventBridgeAttestationEvents(EventBridgeClient events, String busName) {
        this(() -> events, busName);
    }

    /** With the client built on first use: a run that never calls EventBridge never pays for building its client (cold start). */
    public EventBridgeAttestationEvents(Supplier<EventBridgeClient> events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void attested(String member, Instant at) {
        String detail = Json.write(Json.object().put("member", member).put("at", at.toString()));
        PutEventsResponse r = events.get().putEvents(b -> b.entries(e -> e.eventBusName(busName).source(SOURCE).detailType(DETAIL_TYPE).detail(detail)));
        if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
            throw new IllegalStateException("EventBridge refused MemberAttested for " + member + " on bus " + busName + ": "
                    + r.entries().get(0).errorCode() + " " + r.entries().get(0).errorMessage());
        }
    }
}
