package org.appban.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * One published limit of an external API, for one tenant of it: at most {@code limit} requests per {@code window}
 * (Graph: per app registration and limit class; ISE: per deployment). {@code key} names the tenant and the class
 * ({@code graph/<tenant>/<clientId>/deviceManagement-writes}), so every container and every function that calls the
 * same API as the same tenant draws from the same budget.
 *
 * <p>Limiters hand out permits in batches that must be used within a {@link #lease()}; such a limiter is a token
 * bucket of {@link #burst()} permits refilled at {@link #perSecond()}, and whatever the callers do, the requests
 * sent in any span of time T are at most {@code burst + perSecond * (T + lease)} ({@link #atMostIn}). The shape is
 * chosen so that this is exactly {@code limit} for T = {@code window}: a fortieth of the window as the lease and a
 * fortieth of the limit as the burst (and the largest batch), which leaves 95% of the limit for the steady rate.
 */
public record Budget(String key, String label, int limit, Duration window) {
    public Budget {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        if (limit < 1) throw new IllegalArgumentException("budget " + label + ": limit must be at least 1, not " + limit);
        if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("budget " + label + ": window must be positive");
    }

    /** How long a batch of permits may be used after it was granted. */
    public Duration lease() {
        return window.dividedBy(40);
    }

    /** The bucket's capacity: the most a caller can get at once, and the most that can be spent in an instant. */
    public int burst() {
        return Math.max(1, limit / 40);
    }

    /** The refill rate, in permits per second. */
    public double perSecond() {
        return (limit - burst()) / seconds(window.plus(lease()));
    }

    /** The most requests this budget lets through in any span of {@code span}, over every caller together. */
    public double atMostIn(Duration span) {
        return burst() + perSecond() * seconds(span.plus(lease()));
    }

    /** The same budget with its limit scaled (benches and tests shrink budgets along with the simulators'). */
    public Budget scaled(double scale) {
        return scale == 1.0 ? this : new Budget(key, label, (int) Math.max(1, Math.round(limit * scale)), window);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    @Override
    public String toString() {
        return label + " (" + limit + " per " + window.toMillis() / 1000.0 + " s)";
    }
}
