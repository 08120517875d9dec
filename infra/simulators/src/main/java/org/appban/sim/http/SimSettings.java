package org.appban.sim.http;

import java.time.Duration;

/**
 * How a simulator behaves beyond its API: latency, how its budgets scale, whether its 429s carry Retry-After, the
 * fault seed, token lifetime.
 */
public final class SimSettings {
    private Duration latency = Duration.ZERO;
    private double budgetScale = 1.0;
    private boolean retryAfterOnThrottle = true;
    private long seed = 42;
    private Duration tokenLifetime = Duration.ofHours(1);
    private boolean budgets = true;

    public static SimSettings defaults() {
        return new SimSettings();
    }

    /** Added to every answer. */
    public SimSettings latency(Duration d) {
        this.latency = d;
        return this;
    }

    /** Multiplies every published budget (0.01 turns Graph's 2000 per 20 s into 20 per 20 s). */
    public SimSettings budgetScale(double factor) {
        this.budgetScale = factor;
        return this;
    }

    /** Whether budget 429s carry a Retry-After header (the real services sometimes leave it out). */
    public SimSettings retryAfterOnThrottle(boolean on) {
        this.retryAfterOnThrottle = on;
        return this;
    }

    public SimSettings seed(long s) {
        this.seed = s;
        return this;
    }

    /** How long an access token lives, on the simulated clock. */
    public SimSettings tokenLifetime(Duration d) {
        this.tokenLifetime = d;
        return this;
    }

    /** Turns the published budgets off (unthrottled runs). */
    public SimSettings budgets(boolean on) {
        this.budgets = on;
        return this;
    }

    public Duration latency() {
        return latency;
    }

    public double budgetScale() {
        return budgetScale;
    }

    public boolean retryAfterOnThrottle() {
        return retryAfterOnThrottle;
    }

    public long seed() {
        return seed;
    }

    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    public boolean budgetsOn() {
        return budgets;
    }

    public int scaled(int published) {
        return (int) Math.max(1, Math.round(published * budgetScale));
    }
}
