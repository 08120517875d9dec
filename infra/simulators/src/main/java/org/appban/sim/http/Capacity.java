package org.appban.sim.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * What a service without throttling does past its capacity (Cisco ISE's ERS: no 429, it just degrades): counts the
 * requests that arrived in the last second, over every client and connection. Up to the capacity nothing happens;
 * past it the second is an overload second, answers slow down in proportion to the excess, and past a quarter more
 * than the capacity the excess fails with a 5xx.
 */
public final class Capacity {
    /** The verdict for one arrival: how much slower the answer is, and whether it fails. */
    public record Verdict(Duration extraLatency, boolean fails) {
        static final Verdict FINE = new Verdict(Duration.ZERO, false);
    }

    private final int perSecond;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Long> lastSecond = new ArrayDeque<>();
    private final Set<Long> overloadSeconds = new TreeSet<>();
    private long arrivals;
    private long failed;

    public Capacity(int perSecond, LongSupplier nanoTime) {
        this.perSecond = Math.max(1, perSecond);
        this.nanoTime = nanoTime;
    }

    public int perSecond() {
        return perSecond;
    }

    public synchronized Verdict arrive() {
        long now = nanoTime.getAsLong();
        arrivals++;
        while (!lastSecond.isEmpty() && now - lastSecond.peekFirst() >= 1_000_000_000L) lastSecond.pollFirst();
        lastSecond.addLast(now);
        int load = lastSecond.size();
        if (load <= perSecond) return Verdict.FINE;
        overloadSeconds.add(now / 1_000_000_000L);
        double excess = (load - perSecond) / (double) perSecond;
        boolean fails = load > perSecond * 1.25;
        if (fails) failed++;
        // 20 ms more for each tenth over capacity, at most two seconds.
        return new Verdict(Duration.ofMillis(Math.min(2000, Math.round(excess * 200))), fails);
    }

    /** Distinct seconds in which the load passed the capacity. */
    public synchronized int overloadSeconds() {
        return overloadSeconds.size();
    }

    public synchronized long failed() {
        return failed;
    }

    public synchronized long arrivals() {
        return arrivals;
    }
}
