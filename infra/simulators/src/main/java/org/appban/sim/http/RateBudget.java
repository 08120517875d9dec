package org.appban.sim.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A published request budget: at most {@code limit} requests of a kind in any window of {@code window} (sliding, the
 * strictest reading of a published limit), over every client and connection that reaches the simulator. The window
 * is real time, not simulated time, because clients really wait out a Retry-After.
 */
public final class RateBudget {
    private final String name;
    private final int limit;
    private final long windowNanos;
    private final Predicate<SimRequest> applies;
    private final LongSupplier nanoTime;
    /** When each request still inside the window arrived, oldest first. */
    private final ArrayDeque<Long> granted = new ArrayDeque<>();

    public RateBudget(String name, int limit, Duration window, Predicate<SimRequest> applies, LongSupplier nanoTime) {
        this.name = name;
        this.limit = Math.max(1, limit);
        this.windowNanos = window.toNanos();
        this.applies = applies;
        this.nanoTime = nanoTime;
    }

    public String name() {
        return name;
    }

    public int limit() {
        return limit;
    }

    public boolean appliesTo(SimRequest r) {
        return applies.test(r);
    }

    /** Takes one request from the budget; returns 0 when granted, else the whole seconds until one is free again. */
    public synchronized long take() {
        long now = nanoTime.getAsLong();
        while (!granted.isEmpty() && now - granted.peekFirst() >= windowNanos) granted.pollFirst();
        if (granted.size() < limit) {
            granted.addLast(now);
            return 0;
        }
        long left = granted.peekFirst() + windowNanos - now;
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
}
