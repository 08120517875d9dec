package org.appban.sim.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Injected failures, deterministic under a seed: the same seed and the same sequence of requests give the same
 * faults. (Requests that race each other arrive in an order the seed cannot fix: tests that need exact faults
 * schedule them with {@link #next}.)
 *
 * <p>Scheduled faults come first, in order; then each request draws from the rates.
 */
public final class Faults {
    private static final int[] SERVER_ERRORS = {503, 500, 502, 504};
    private final Random random;
    private final Deque<Scheduled> scheduled = new ArrayDeque<>();
    private double serverErrorRate;
    private double throttleRate;
    private double hangRate;
    private boolean retryAfterOnRandomThrottle = true;
    private Duration hangFor = Duration.ofSeconds(30);

    private record Scheduled(Fault fault, Predicate<SimRequest> when) {
    }

    public Faults(long seed) {
        this.random = new Random(seed);
    }

    /** The next request (matching {@code when}) gets this fault instead of its answer. */
    public synchronized Faults next(Fault fault, Predicate<SimRequest> when) {
        scheduled.add(new Scheduled(fault, when));
        return this;
    }

    public Faults next(Fault fault) {
        return next(fault, r -> true);
    }

    /** The next {@code count} requests get this fault. */
    public Faults next(int count, Fault fault) {
        for (int i = 0; i < count; i++) next(fault);
        return this;
    }

    /** Requests fail with a transient 5xx at this rate (0 to 1). */
    public synchronized Faults serverErrors(double rate) {
        this.serverErrorRate = rate;
        return this;
    }

    /** Requests are throttled at this rate, beyond the budgets, with or without a Retry-After. */
    public synchronized Faults throttles(double rate, boolean withRetryAfter) {
        this.throttleRate = rate;
        this.retryAfterOnRandomThrottle = withRetryAfter;
        return this;
    }

    /** Requests hang for {@code duration} at this rate. */
    public synchronized Faults hangs(double rate, Duration duration) {
        this.hangRate = rate;
        this.hangFor = duration;
        return this;
    }

    public synchronized void clear() {
        scheduled.clear();
        serverErrorRate = 0;
        throttleRate = 0;
        hangRate = 0;
    }

    synchronized Fault decide(SimRequest r) {
        for (var it = scheduled.iterator(); it.hasNext(); ) {
            Scheduled s = it.next();
            if (s.when().test(r)) {
                it.remove();
                return s.fault();
            }
        }
        // Always draw the same number of values per request, so one rate does not shift another's sequence.
        double e = random.nextDouble();
        double t = random.nextDouble();
        double h = random.nextDouble();
        int which = random.nextInt(SERVER_ERRORS.length);
        if (h < hangRate && !r.inner()) return new Fault.Hang(hangFor);
        if (e < serverErrorRate) return new Fault.ServerError(SERVER_ERRORS[which]);
        if (t < throttleRate) return new Fault.Throttle(retryAfterOnRandomThrottle ? 1L : null);
        return null;
    }
}
