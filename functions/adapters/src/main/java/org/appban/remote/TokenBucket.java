package org.appban.remote;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A budget held in this process only: a token bucket refilled continuously, one permit at a time (nothing to
 * batch, nothing leased). What the rehearsal, tests and SnapStart priming use; on Lambda a budget is shared by every
 * container instead (see {@link RateLimits}).
 */
public final class TokenBucket implements RateLimit {
    private final Budget budget;
    private final String name;
    private final double capacity;
    private final double perNano;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    public TokenBucket(String name, double capacity, double refillPerWindow, Duration window, LongSupplier nanoTime) {
        this(new Budget(name, name, (int) Math.max(1, Math.floor(capacity + refillPerWindow)), window), name, capacity, refillPerWindow, window, nanoTime);
    }

    private TokenBucket(Budget budget, String name, double capacity, double refillPerWindow, Duration window, LongSupplier nanoTime) {
        if (capacity < 1) capacity = 1;
        this.budget = budget;
        this.name = name;
        this.capacity = capacity;
        this.perNano = refillPerWindow / window.toNanos();
        this.nanoTime = nanoTime;
        this.tokens = capacity;
        this.last = nanoTime.getAsLong();
    }

    /** A bucket shaped as the budget says (its burst, its rate), one permit at a time. */
    public static TokenBucket of(Budget budget, LongSupplier nanoTime) {
        Duration window = budget.window();
        return new TokenBucket(budget, budget.label(), budget.burst(), budget.perSecond() * window.toNanos() / 1e9, window, nanoTime);
    }

    public String name() {
        return name;
    }

    @Override
    public Budget budget() {
        return budget;
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

    @Override
    public boolean takeNow() {
        return tryTake().isZero();
    }

    /** Blocks (through the sleeper) until a token is there. */
    @Override
    public void take(Sleeper sleeper) throws InterruptedException {
        while (true) {
            Duration wait = tryTake();
            if (wait.isZero()) return;
            sleeper.sleep(wait);
        }
    }

    /** A token taken and not used: back in the bucket (never beyond its capacity). */
    @Override
    public synchronized void giveBack() {
        refill();
        tokens = Math.min(capacity, tokens + 1);
    }

    /** Empties the bucket: the API said we are over budget, so trust it over our own count. */
    @Override
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
