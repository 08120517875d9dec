package org.appban.remote;

import java.time.Duration;
import java.util.Random;

/**
 * How often and how long a client retries: bounded attempts, the server's Retry-After when it gives one (capped),
 * otherwise exponential backoff with jitter (half fixed, half random, so a fleet of clients spreads out).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {
    public static RetryPolicy standard() {
        return new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures (1-based). */
    public Duration backoff(int attempt, Random jitter) {
        long base = baseDelay.toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(maxDelay.toMillis(), base);
        long half = capped / 2;
        return Duration.ofMillis(half + (half == 0 ? 0 : (long) (jitter.nextDouble() * half)));
    }

    public Duration honour(Duration retryAfter) {
        return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }
}
