package org.appban.rehearsal;

import java.time.Instant;

/**
 * One thing that happens in the rehearsal at a point in simulated time: a schedule firing, a fleet event.
 *
 * @param order among triggers at the same instant, lower runs first (the world changes before the functions look)
 */
record Trigger(Instant at, int order, String name, Runnable action) implements Comparable<Trigger> {
    @Override
    public int compareTo(Trigger o) {
        int c = at.compareTo(o.at);
        return c != 0 ? c : Integer.compare(order, o.order);
    }
}
