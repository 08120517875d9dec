package org.appban.mail;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Sends through another mailer at no more than the limiter's rate, and retries throttled sends a bounded number
 * of times after an exponential pause with full jitter (a random wait between 0 and base * 2^attempt, capped),
 * which spreads concurrent senders out instead of having them retry in step. Only {@link Mailer.Throttled} is
 * retried: it means nothing was sent. A used-up daily quota is not retried (seconds of waiting cannot help), nor
 * is a rejection or an unknown outcome.
 */
public final class RateLimitedMailer implements Mailer {
    private final Mailer inner;
    private final SendRateLimiter limiter;
    private final int maxAttempts;
    private final long baseNanos;
    private final long capNanos;
    private final RandomGenerator random;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong throttleRetries = new AtomicLong();

    public RateLimitedMailer(Mailer inner, SendRateLimiter limiter, int maxAttempts, Duration base, Duration cap,
                             RandomGenerator random) {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        this.inner = inner;
        this.limiter = limiter;
        this.maxAttempts = maxAttempts;
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.random = random;
    }

    /** Five attempts, pauses from up to 200 ms growing to at most 10 s. */
    public static RateLimitedMailer withDefaults(Mailer inner, SendRateLimiter limiter) {
        return new RateLimitedMailer(inner, limiter, 5, Duration.ofMillis(200), Duration.ofSeconds(10), RandomGenerator.getDefault());
    }

    @Override
    public String send(OutgoingMail mail) {
        for (int attempt = 1; ; attempt++) {
            limiter.acquire();
            try {
                String id = inner.send(mail);
                sent.incrementAndGet();
                return id;
            } catch (Throttled e) {
                if (e.quotaExhausted() || attempt >= maxAttempts) throw e;
                throttleRetries.incrementAndGet();
                limiter.pause(backoffNanos(attempt));
            }
        }
    }

    long backoffNanos(int attempt) {
        long ceiling = Math.min(capNanos, baseNanos << Math.min(attempt, 30));
        return ceiling <= 0 ? 0 : random.nextLong(ceiling + 1);
    }

    public long sent() {
        return sent.get();
    }

    public long throttleRetries() {
        return throttleRetries.get();
    }
}
