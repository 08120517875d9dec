package org.appban.enforce;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** The work queue of the rehearsal and the benchmark: items wait in memory until someone drains them. */
public final class InProcessWorkQueue implements WorkQueue {
    private final Deque<DeviceWork> items = new ArrayDeque<>();

    @Override
    public synchronized void enqueue(List<DeviceWork> work) {
        items.addAll(work);
    }

    public synchronized Optional<DeviceWork> poll() {
        return Optional.ofNullable(items.pollFirst());
    }

    /** Puts an item back for another delivery, as SQS does with a reported batch item failure. */
    public synchronized void redeliver(DeviceWork work) {
        items.addLast(work);
    }

    public synchronized int size() {
        return items.size();
    }
}
