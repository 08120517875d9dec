package org.appban.sim.http;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A published request budget: at most {@code limit} requests of a kind per fixed window of real time. The window is
 * real time, not simulated time, because clients really wait out a Retry-After.
 */
public final class RateBudget {
    private final String name;
    private final int limit;
    private final long windowNanos;
    private final Predicate<SimRequest> applies;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int used;

    public RateBudget(String name, int limit, Duration window, Predicate<SimRequest> applies, LongSupplier nanoTime) {
        this.name = name;
        this.limit = Math.max(1, limit);
        this.windowNanos = window.toNanos();
        this.applies = applies;
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
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

    /** Takes one request from the budget; returns 0 when granted, else the whole seconds until the window resets. */
    public synchronized long take() {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart += ((now - windowStart) / windowNanos) * windowNanos;
            used = 0;
        }
        if (used < limit) {
            used++;
            return 0;
        }
        long left = windowStart + windowNanos - now;
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
}
