package org.appban.admin;

import java.util.function.Supplier;
import org.appban.identity.RunAuthorisation;
import org.appban.json.Json;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** On AWS: one {@value RunAuthorisation#DETAIL_TYPE} event on the stack's bus, which routes it by {@code detail.function}. */
public final class EventBridgeManualRuns implements ManualRuns {
    private final Supplier<EventBridgeClient> events;
    private final String busName;

    public EventBridgeManualRuns(Supplier<EventBridgeClient> events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void handOn(String function, String authorisation) {
        PutEventsResponse r = events.get().putEvents(b -> b.entries(e -> e.eventBusName(busName).source(RunAuthorisation.SOURCE)
                .detailType(RunAuthorisation.DETAIL_TYPE)
                .detail(Json.write(Json.object().put("function", function).put("authorisation", authorisation)))));
        if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
            throw new IllegalStateException("EventBridge refused the run authorisation " + authorisation + " for " + function + ": "
                    + r.entries().get(0).errorCode() + " " + r.entries().get(0).errorMessage());
        }
    }
}
