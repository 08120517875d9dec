package org.appban.notice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import org.appban.json.Json;

/**
 * Publishes notice requests on the project's event bus ({@code EVENT_BUS_NAME}) as detail-type
 * {@value NoticeRequest#DETAIL_TYPE}, from the calling function's source ({@code appban.enforcement},
 * {@code appban.network}, {@code appban.admin}...). A rule on the bus invokes notify-members.
 *
 * <p>PutEvents can accept some entries of a batch and refuse others; a refused entry is an exception here (the
 * caller's run fails and is retried, and already-published requests are harmless to publish again).
 */
public final class EventBridgeNoticeRequests implements NoticeRequests {
    /** Sources other functions publish from; notify-members accepts requests from these only. */
    public static final Pattern SOURCE = Pattern.compile("^appban\\.[a-z][a-z0-9-]{0,40}$");
    /** PutEvents takes at most 10 entries per call. */
    static final int BATCH = 10;

    private final Supplier<EventBridgeClient> events;
    private final String busName;
    private final String source;

    public EventBridgeNoticeRequests(EventBridgeClient events, String busName, String source) {
        this(constant(Objects.requireNonNull(events, "events")), busName, source);
    }

    /** With the client built on first use: a run that never calls EventBridge never pays for building its client (cold start). */
    public EventBridgeNoticeRequests(Supplier<EventBridgeClient> events, String busName, String source) {
        this.events = Objects.requireNonNull(events, "events");
        this.busName = Objects.requireNonNull(busName, "busName");
        if (!SOURCE.matcher(source).matches()) {
            throw new IllegalArgumentException("source must look like appban.<function>, not '" + source + "'");
        }
        this.source = source;
    }

    @Override
    public void request(NoticeRequest request) {
        requestAll(List.of(request));
    }

    @Override
    public void requestAll(List<NoticeRequest> requests) {
        for (int from = 0; from < requests.size(); from += BATCH) {
            List<NoticeRequest> batch = requests.subList(from, Math.min(requests.size(), from + BATCH));
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (NoticeRequest r : batch) {
                entries.add(PutEventsRequestEntry.builder()
                        .eventBusName(busName)
                        .source(source)
                        .detailType(NoticeRequest.DETAIL_TYPE)
                        .detail(json(r))
                        .build());
            }
            PutEventsResponse response = events.get().putEvents(b -> b.entries(entries));
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < response.entries().size(); i++) {
                    PutEventsResultEntry e = response.entries().get(i);
                    if (e.errorCode() != null) {
                        NoticeRequest r = batch.get(i);
                        failures.add(r.kind().wireName() + " for " + r.member() + " (" + r.occasion() + "): "
                                + e.errorCode() + " " + e.errorMessage());
                    }
                }
                throw new IllegalStateException("EventBridge refused " + response.failedEntryCount() + " of "
                        + batch.size() + " notice requests on bus " + busName + ": " + String.join("; ", failures));
            }
        }
    }

    private static String json(NoticeRequest r) {
        return Json.write(NoticeRequestJson.detail(r));
    }

    private static <T> Supplier<T> constant(T value) {
        return () -> value;
    }
}
