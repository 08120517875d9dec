package org.appban.notice;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long a run may go on starting members. A Lambda invocation is killed at its timeout, possibly in the middle
 * of a send (the one place a notice can be duplicated, see {@link NoticeSender}); a run that stops between members
 * before then leaves nothing half-done, and the next invocation carries on where it stopped.
 */
@FunctionalInterface
public interface RunBudget {
    boolean exhausted();

    static RunBudget unlimited() {
        return () -> false;
    }

    /** Exhausted once {@code remaining} minus {@code margin} has passed on the monotonic clock. */
    static RunBudget of(Duration remaining, Duration margin, LongSupplier nanoTime) {
        long deadline = nanoTime.getAsLong() + remaining.minus(margin).toNanos();
        return () -> nanoTime.getAsLong() - deadline >= 0;
    }
}
