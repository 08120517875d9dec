package org.appban.mail;

/**
 * Monotonic time for pacing, with a way to wait. Pacing uses this rather than the wall clock: a wall clock step
 * (NTP) must not let a burst through. Tests use a fake whose sleep advances its time.
 */
public interface Ticker {
    long nanos();

    void sleepNanos(long nanos) throws InterruptedException;

    static Ticker system() {
        return new Ticker() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                if (nanos > 0) Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }
}
