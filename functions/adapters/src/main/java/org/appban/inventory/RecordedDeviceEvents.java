package org.appban.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Embedded adapter (rehearsal, tests): keeps what was published and hands each change to a listener. */
public final class RecordedDeviceEvents implements DeviceEvents {
    private final List<DeviceStatusChanged> published = new ArrayList<>();
    private final Consumer<DeviceStatusChanged> listener;

    public RecordedDeviceEvents(Consumer<DeviceStatusChanged> listener) {
        this.listener = listener;
    }

    public RecordedDeviceEvents() {
        this(c -> { });
    }

    @Override
    public synchronized void publish(List<DeviceStatusChanged> changes) {
        published.addAll(changes);
        changes.forEach(listener);
    }

    public synchronized List<DeviceStatusChanged> published() {
        return List.copyOf(published);
    }

    public synchronized void clear() {
        published.clear();
    }
}
