package org.appban.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import org.appban.json.Json;

/**
 * Publishes device changes on the project's event bus, ten to a PutEvents call (its limit). Entries EventBridge
 * reports as failed are sent again a bounded number of times; if some still fail, the sync fails, so that the
 * platform retries it and the devices are not saved as if their change had been announced.
 */
public final class EventBridgeDeviceEvents implements DeviceEvents {
    private static final int PER_CALL = 10;
    private static final int ATTEMPTS = 4;
    private final Supplier<EventBridgeClient> events;
    private final String bus;

    public EventBridgeDeviceEvents(EventBridgeClient events, String bus) {
        this(() -> events, bus);
    }

    /** With the client built on first use: a run that never calls EventBridge never pays for building its client (cold start). */
    public EventBridgeDeviceEvents(Supplier<EventBridgeClient> events, String bus) {
        this.events = events;
        this.bus = bus;
    }

    @Override
    public void publish(List<DeviceStatusChanged> changes) {
        for (int from = 0; from < changes.size(); from += PER_CALL) {
            List<PutEventsRequestEntry> pending = new ArrayList<>();
            for (DeviceStatusChanged c : changes.subList(from, Math.min(changes.size(), from + PER_CALL))) {
                pending.add(PutEventsRequestEntry.builder()
                        .eventBusName(bus)
                        .source(DeviceStatusChanged.SOURCE)
                        .detailType(DeviceStatusChanged.DETAIL_TYPE)
                        .time(c.at())
                        .resources(List.of())
                        .detail(Json.write(DeviceStatusChangedJson.toDetail(c)))
                        .build());
            }
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > ATTEMPTS) {
                    throw new IllegalStateException(pending.size() + " DeviceStatusChanged events could not be published after "
                            + ATTEMPTS + " attempts");
                }
                List<PutEventsRequestEntry> batch = pending;
                PutEventsResponse response = events.get().putEvents(r -> r.entries(batch));
                pending = failed(batch, response);
            }
        }
    }

    private static List<PutEventsRequestEntry> failed(List<PutEventsRequestEntry> sent, PutEventsResponse response) {
        if (response.failedEntryCount() == null || response.failedEntryCount() == 0) return List.of();
        List<PutEventsRequestEntry> again = new ArrayList<>();
        List<PutEventsResultEntry> results = response.entries();
        for (int i = 0; i < sent.size() && i < results.size(); i++) {
            if (results.get(i).errorCode() != null) again.add(sent.get(i));
        }
        return again;
    }
}
