package org.appban.remote;

import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * How adapters talk to remote APIs: timeouts, retries, the clock for
 * token expiry, how waits happen, and a scale for the published budgets (1 in production; tests and benches shrink
 * it along with the simulators').
 */
public record RemoteOptions(Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Clock clock,
                            double budgetScale) {

    public static RemoteOptions standard(Clock clock) {
        return new RemoteOptions(Duration.ofSeconds(20),
                RetryPolicy.standard(), Sleeper.REAL, new Random(), clock, 1.0);
    }

    public RemoteOptions withTimeout(Duration d) {
        return new RemoteOptions(d, retry, sleeper, jitter, clock, budgetScale);
    }

    public RemoteOptions withRetry(RetryPolicy r) {
        return new RemoteOptions(timeout, r, sleeper, jitter, clock, budgetScale);
    }

    public RemoteOptions withSleeper(Sleeper s) {
        return new RemoteOptions(timeout, retry, s, jitter, clock, budgetScale);
    }

    public RemoteOptions withJitter(Random r) {
        return new RemoteOptions(timeout, retry, sleeper, r, clock, budgetScale);
    }

    public RemoteOptions withBudgetScale(double scale) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, scale);
    }

    public int scaled(int published) {
        return (int) Math.max(1, Math.round(published * budgetScale));
    }
}
