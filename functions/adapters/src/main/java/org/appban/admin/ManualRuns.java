package org.appban.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.appban.identity.RunAuthorisation;
import org.appban.json.Json;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** Hands a recorded run authorisation on to its function ({@link RunAuthorisation}). */
public interface ManualRuns {
    void handOn(String function, String authorisation);

    /** On AWS: one {@value RunAuthorisation#DETAIL_TYPE} event on the stack's bus, which routes it by {@code detail.function}. */
    static ManualRuns eventBridge(Supplier<EventBridgeClient> events, String busName) {
        return (function, authorisation) -> {
            PutEventsResponse r = events.get().putEvents(b -> b.entries(e -> e.eventBusName(busName).source(RunAuthorisation.SOURCE)
                    .detailType(RunAuthorisation.DETAIL_TYPE)
                    .detail(Json.write(Json.object().put("function", function).put("authorisation", authorisation)))));
            if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
                throw new IllegalStateException("EventBridge refused the run authorisation " + authorisation + " for " + function + ": "
                        + r.entries().get(0).errorCode() + " " + r.entries().get(0).errorMessage());
            }
        };
    }

    /** Where nothing is wired to carry runs out (an in-process world): the request is refused, not lost. */
    static ManualRuns unavailable() {
        return (function, authorisation) -> {
            throw new org.appban.input.InvalidInputException("admin request", "operation", "manual runs cannot be handed on here: "
                    + function + " is not wired to this admin function");
        };
    }

    /** Keeps what was handed on, in order (tests, the rehearsal). */
    final class Recorded implements ManualRuns {
        public final List<String> handedOn = new ArrayList<>();

        @Override
        public synchronized void handOn(String function, String authorisation) {
            handedOn.add(function + " " + authorisation);
        }
    }
}
