package org.appban.remote;

import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * How adapters talk to remote APIs: timeouts, retries, the clock for
 * token expiry, how waits happen, a scale for the published budgets (1 in production; tests and benches shrink
 * it along with the simulators'), the transport (HTTP, or canned answers for SnapStart priming), where the budgets
 * are held ({@link RateLimits}: in this process by default, shared by every container on Lambda) and the budget
 * settings of the deployment ({@link ApiBudgets}).
 */
public record RemoteOptions(Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Clock clock,
                            double budgetScale, Transport transport, RateLimits limits, ApiBudgets budgets) {

    public RemoteOptions {
        if (!(budgetScale > 0) || Double.isInfinite(budgetScale)) {
            throw new IllegalArgumentException("budget scale must be above 0, not " + budgetScale);
        }
    }

    public static RemoteOptions standard(Clock clock) {
        return new RemoteOptions(Duration.ofSeconds(20),
                RetryPolicy.standard(), Sleeper.REAL, new Random(), clock, 1.0, Transport.HTTP, RateLimits.inProcess(), ApiBudgets.DEFAULT);
    }

    public RemoteOptions withTimeout(Duration d) {
        return new RemoteOptions(d, retry, sleeper, jitter, clock, budgetScale, transport, limits, budgets);
    }

    public RemoteOptions withRetry(RetryPolicy r) {
        return new RemoteOptions(timeout, r, sleeper, jitter, clock, budgetScale, transport, limits, budgets);
    }

    public RemoteOptions withSleeper(Sleeper s) {
        return new RemoteOptions(timeout, retry, s, jitter, clock, budgetScale, transport, limits, budgets);
    }

    public RemoteOptions withJitter(Random r) {
        return new RemoteOptions(timeout, retry, sleeper, r, clock, budgetScale, transport, limits, budgets);
    }

    public RemoteOptions withBudgetScale(double scale) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, scale, transport, limits, budgets);
    }

    /** The same options over another transport (SnapStart priming answers from canned responses). */
    public RemoteOptions withTransport(Transport t) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, budgetScale, t, limits, budgets);
    }

    /** The same options drawing on budgets held in {@code l} (on Lambda: the shared table). */
    public RemoteOptions withLimits(RateLimits l) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, budgetScale, transport, l, budgets);
    }

    /** The same options with the deployment's budget settings (ISE's calls per second). */
    public RemoteOptions withBudgets(ApiBudgets b) {
        return new RemoteOptions(timeout, retry, sleeper, jitter, clock, budgetScale, transport, limits, b);
    }

    /** The budget {@code published} per {@code window} under {@code key}, scaled, as these options hold it. */
    public RateLimit limit(String key, String label, int published, Duration window) {
        return limits.limit(new Budget(key, label, published, window).scaled(budgetScale));
    }

    public int scaled(int published) {
        return (int) Math.max(1, Math.round(published * budgetScale));
    }
}
