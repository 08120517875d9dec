package org.appban.bench;

import org.appban.mail.Ticker;

/**
 * The system ticker, remembering per thread when its last pacing sleep was meant to end: that is the slot the rate
 * limiter gave the thread, so the benchmark can tell the limiter's schedule from the moment a request actually
 * started (later, when the machine is busy).
 */
final class SlotTicker implements Ticker {
    private final Ticker system = Ticker.system();
    private final ThreadLocal<Long> wake = new ThreadLocal<>();

    @Override
    public long nanos() {
        return system.nanos();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        wake.set(system.nanos() + nanos);
        system.sleepNanos(nanos);
    }

    /** The slot of this thread's latest wait, or {@code now} when it did not wait; forgets it. */
    long takeSlot(long now) {
        Long w = wake.get();
        wake.remove();
        return w == null ? now : w;
    }
}
