package org.appban.mail;

import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when someone sleeps: pacing tests run instantly and exactly. */
final class FakeTicker implements Ticker {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
        return now.get();
    }

    @Override
    public void sleepNanos(long nanos) {
        now.addAndGet(nanos);
    }
}
