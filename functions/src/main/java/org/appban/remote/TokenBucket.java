package org.appban.remote;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The client's own share of an API's published budget: a token bucket refilled continuously. Sized so that no
 * window of the API's length ever sees more than the budget: a small burst (a tenth) plus a steady rate (nine
 * tenths of the budget per window).
 */
public final class TokenBucket {
    private final String name;
    private final double capacity;
    private final double perNano;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    public TokenBucket(String name, double capacity, double refillPerWindow, Duration window, LongSupplier nanoTime) {
        if (capacity < 1) capacity = 1;
        this.name = name;
        this.capacity = capacity;
        this.perNano = refillPerWindow / window.toNanos();
        this.nanoTime = nanoTime;
        this.tokens = capacity;
        this.last = nanoTime.getAsLong();
    }

    /** A bucket that keeps under {@code budget} requests per {@code window}. */
    public static TokenBucket forBudget(String name, int budget, Duration window) {
        return new TokenBucket(name, Math.max(1, budget / 10.0), budget * 0.9, window, System::nanoTime);
    }

    public String name() {
        return name;
    }

    /** Takes one token now, or says how long until one is there. */
    public synchronized Duration tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
    }

    /** Blocks (through the sleeper) until a token is there. */
    public void take(Sleeper sleeper) throws InterruptedException {
        while (true) {
            Duration wait = tryTake();
            if (wait.isZero()) return;
            sleeper.sleep(wait);
        }
    }

    /** Empties the bucket: the API said we are over budget, so trust it over our own count. */
    public synchronized void drain() {
        refill();
        tokens = Math.min(tokens, 0);
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
    }
}
