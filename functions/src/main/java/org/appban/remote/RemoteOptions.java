package org.appban.remote;

import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * How adapters talk to remote APIs: timeouts, retries, the clock for
 * token expiry, how waits happen, a scale for the published budgets (1 in production; tests and benches shrink
 * it along with the simulators'), and the transport (HTTP, or canned answers for SnapStart priming).
 */
public record RemoteOptions(Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Clock clock,
                            double budgetScale, Transport transport) {

    public static RemoteOptions standard(Clock clock) {
        return new RemoteOptions(Duration.ofSeconds(20),
                RetryPolicy.standard(), Sleeper.REAL, new Random(), clock, 1.0, Transport.HTTP);
    }

    public RemoteOptions withTimeout(Duration d) {
        return new RemoteOptions(d, retry, sleeper, jitter, clock, budgetScale, transport);
    }

    public RemoteOptions withRetry(RetryPolicy r) {
        return new RemoteOptions(timeout, r, sleeper, jitter, clock, budgetScale, transport);
    }

    public RemoteOptions withSleeper(Sleeper s) {
        return new RemoteOptions(timeout, retry, s, jitter, clock, budgetScale, transport);
    }

    public RemoteOptions withJitter(Random r) {
        return new RemoteOptions(timeout, retry, sleeper, r, clock, budgetScale, transport);
    }

    public RemoteOptions withBudgetScale(double scale) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, scale, transport);
    }

    /** The same options over another transport (SnapStart priming answers from canned responses). */
    public RemoteOptions withTransport(Transport t) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, budgetScale, t);
    }

    public int scaled(int published) {
        return (int) Math.max(1, Math.round(published * budgetScale));
    }
}
