package org.appban.mail;

import java.util.Map;
import org.appban.input.InvalidInputException;

/**
 * Keeps sends at or below R per second, across all threads that share it. Each send reserves the next free slot
 * on a grid spaced 1/R apart (rounded up, so never faster than R) and waits for it; there is no burst allowance.
 * A thread can wake late for its slot (a busy scheduler, a garbage collection) while the next one wakes on time,
 * which would put two starts closer than 1/R; so, for R of 1 or more, the last floor(R) slots handed out are also
 * kept, and no slot is given less than {@value #WINDOW_MILLIS} ms after the one floor(R) before it. No second then
 * ever holds more than floor(R) starts, even when a request reaches the wire up to 50 ms after its slot; the price
 * is a steady rate of R / 1.05 rather than R. A throttling answer from the provider {@link #pause pauses}
 * everyone, not only the thread that got it, because the limit is the account's.
 */
public final class SendRateLimiter {
    public static final String ENV = "MAX_SEND_RATE";
    /** One second and a margin for the delay between a thread's permission and its request reaching the wire. */
    static final long WINDOW_MILLIS = 1050;
    private static final long WINDOW = WINDOW_MILLIS * 1_000_000L;

    private final double maxPerSecond;
    private final long intervalNanos;
    private final Ticker ticker;
    private long nextSlot;
    private boolean started;
    /** The last floor(R) slots handed out, oldest at {@code head} once full; null when R is below 1. */
    private final long[] recent;
    private int head;
    private int size;
    /**
     * The account's rate over every container (the daily round's workers run at once, each with a limiter of its
     * own), or null: this limiter alone is the account's (one run at a time).
     */
    private final org.appban.remote.RateLimit shared;

    public SendRateLimiter(double maxPerSecond, Ticker ticker) {
        this(maxPerSecond, ticker, null);
    }

    private SendRateLimiter(double maxPerSecond, Ticker ticker, org.appban.remote.RateLimit shared) {
        this.shared = shared;
        if (!(maxPerSecond > 0) || Double.isInfinite(maxPerSecond)) {
            throw new IllegalArgumentException("the maximum send rate must be a positive number, not " + maxPerSecond);
        }
        this.maxPerSecond = maxPerSecond;
        this.intervalNanos = (long) Math.ceil(1_000_000_000d / maxPerSecond);
        this.ticker = ticker;
        this.recent = maxPerSecond >= 1 ? new long[(int) Math.min(Math.floor(maxPerSecond), 1_000_000)] : null;
    }

    /** From {@code MAX_SEND_RATE} (messages per second, e.g. {@code 14} or {@code 0.5}); required. */
    public static SendRateLimiter fromEnvironment(Map<String, String> env, Ticker ticker) {
        String text = env.get(ENV);
        if (text == null || text.isBlank()) throw new InvalidInputException("environment", ENV, "is not set (messages per second)");
        double rate;
        try {
            rate = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("environment", ENV, "'" + text + "' is not a number of messages per second");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new InvalidInputException("environment", ENV, "must be above 0, found " + text);
        }
        return new SendRateLimiter(rate, ticker);
    }

    /**
     * The same limiter that also draws every send from {@code shared}, a budget held for all containers
     * (DynamoRateLimits: one conditional write hands out a batch of permits), so that workers running at once send
     * no faster together than the account's rate. This container's own spacing stays as it is.
     */
    public SendRateLimiter sharing(org.appban.remote.RateLimit shared) {
        return new SendRateLimiter(maxPerSecond, ticker, java.util.Objects.requireNonNull(shared, "shared"));
    }

    /** The budget for the account's rate shared by the containers: {@code rate} a second, counted over 10 s. */
    public static org.appban.remote.Budget accountBudget(double rate) {
        return new org.appban.remote.Budget("ses/sending", "SES sending rate", (int) Math.max(1, Math.floor(rate * 10)),
                java.time.Duration.ofSeconds(10));
    }

    public double maxPerSecond() {
        return maxPerSecond;
    }

    /** Waits until this caller may send. */
    public void acquire() {
        long wait;
        synchronized (this) {
            long now = ticker.nanos();
            long slot = started ? Math.max(now, nextSlot) : now;
            started = true;
            if (recent != null) {
                if (size == recent.length) slot = Math.max(slot, recent[head] + WINDOW);
                recent[head] = slot;
                head = (head + 1) % recent.length;
                if (size < recent.length) size++;
            }
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        sleep(wait);
        if (shared != null) {
            try {
                shared.take(org.appban.remote.Sleeper.REAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the shared sending budget", e);
            }
        }
    }

    /** Moves the next free slot at least {@code nanos} into the future, for every caller. */
    public synchronized void pause(long nanos) {
        if (shared != null) shared.drain();
        long resume = ticker.nanos() + nanos;
        if (!started || resume > nextSlot) nextSlot = resume;
        started = true;
    }

    private void sleep(long nanos) {
        if (nanos <= 0) return;
        try {
            ticker.sleepNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pacing sends", e);
        }
    }
}
