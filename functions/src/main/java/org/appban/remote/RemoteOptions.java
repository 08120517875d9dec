package org.appban.remote;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * How adapters talk to remote APIs: one HTTP client (built once per container), timeouts, retries, the clock for
 * token expiry, how waits happen, and a scale for the published budgets (1 in production; tests and benches shrink
 * it along with the simulators').
 */
public record RemoteOptions(HttpClient http, Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Clock clock,
                            double budgetScale) {

    public static RemoteOptions standard(Clock clock) {
        return new RemoteOptions(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(20),
                RetryPolicy.standard(), Sleeper.REAL, new Random(), clock, 1.0);
    }

    public RemoteOptions withTimeout(Duration d) {
        return new RemoteOptions(http, d, retry, sleeper, jitter, clock, budgetScale);
    }

    public RemoteOptions withRetry(RetryPolicy r) {
        return new RemoteOptions(http, timeout, r, sleeper, jitter, clock, budgetScale);
    }

    public RemoteOptions withSleeper(Sleeper s) {
        return new RemoteOptions(http, timeout, retry, s, jitter, clock, budgetScale);
    }

    public RemoteOptions withJitter(Random r) {
        return new RemoteOptions(http, timeout, retry, sleeper, r, clock, budgetScale);
    }

    public RemoteOptions withBudgetScale(double scale) {
        return new RemoteOptions(http, timeout, retry, sleeper, jitter, clock, scale);
    }

    public int scaled(int published) {
        return (int) Math.max(1, Math.round(published * budgetScale));
    }
}
