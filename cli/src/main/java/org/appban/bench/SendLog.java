package org.appban.bench;

import java.util.Arrays;
import org.appban.mail.OutgoingMail;
import org.appban.mail.Mailer;

/**
 * Notes when each request to the provider starts (accepted or throttled alike: both count against the provider's
 * rate), so the benchmark can show the rate was never exceeded.
 */
final class SendLog implements Mailer {
    private final Mailer inner;
    private final SlotTicker ticker;
    private long[] slots = new long[1024];
    private long[] starts = new long[1024];
    private int count;
    private long[] accepted = new long[1024];
    private int acceptedCount;

    SendLog(Mailer inner, SlotTicker ticker) {
        this.inner = inner;
        this.ticker = ticker;
    }

    @Override
    public String send(OutgoingMail mail) {
        long now = System.nanoTime();
        long slot = ticker.takeSlot(now);
        synchronized (this) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                slots = Arrays.copyOf(slots, count * 2);
            }
            slots[count] = slot;
            starts[count++] = now;
        }
        String id = inner.send(mail);
        synchronized (this) {
            if (acceptedCount == accepted.length) accepted = Arrays.copyOf(accepted, acceptedCount * 2);
            accepted[acceptedCount++] = now;
        }
        return id;
    }

    /** When every request started, in order. */
    synchronized long[] starts() {
        return Arrays.copyOf(starts, count);
    }

    /** The slot the rate limiter gave each request (same order as {@link #starts}). */
    synchronized long[] slots() {
        return Arrays.copyOf(slots, count);
    }

    /** When each request the provider accepted started. */
    synchronized long[] accepted() {
        return Arrays.copyOf(accepted, acceptedCount);
    }

    /** Most request starts in any window {@code [t, t + windowNanos)}. */
    static int peak(long[] starts, long windowNanos) {
        long[] s = starts.clone();
        Arrays.sort(s);
        int best = 0;
        int from = 0;
        for (int to = 0; to < s.length; to++) {
            while (s[to] - s[from] >= windowNanos) from++;
            best = Math.max(best, to - from + 1);
        }
        return best;
    }
}
