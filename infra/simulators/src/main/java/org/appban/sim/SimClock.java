package org.appban.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The simulators' notion of now, moved only by whoever drives the scenario (a test, the rehearsal, the control
 * endpoint). It never goes backwards. Listeners hear every move, so the world can apply the fleet's events and the
 * devices' check-ins that the move passed over.
 */
public final class SimClock extends Clock {
    private volatile Instant now;
    private final ZoneId zone;
    private final List<Consumer<Instant>> listeners;

    public SimClock(Instant start) {
        this.now = start;
        this.zone = ZoneOffset.UTC;
        this.listeners = new CopyOnWriteArrayList<>();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of the same clock in another zone: it moves with this one. */
    @Override
    public Clock withZone(ZoneId other) {
        SimClock self = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return self.instant();
            }

            @Override
            public ZoneId getZone() {
                return other;
            }

            @Override
            public Clock withZone(ZoneId z) {
                return self.withZone(z);
            }
        };
    }

    public void advance(Duration by) {
        if (by.isNegative()) throw new IllegalArgumentException("the simulated clock does not go backwards (" + by + ")");
        set(now.plus(by));
    }

    public synchronized void set(Instant to) {
        if (to.isBefore(now)) throw new IllegalArgumentException("the simulated clock does not go backwards: it is " + now + ", asked for " + to);
        now = to;
        for (Consumer<Instant> l : listeners) l.accept(to);
    }

    public void onMove(Consumer<Instant> listener) {
        listeners.add(listener);
    }
}
