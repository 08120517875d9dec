package org.appban.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Test;

class SendRateLimiterTest {
    private static final OutgoingMail MAIL = new OutgoingMail(EmailAddress.of("a@example.org"), EmailAddress.of("b@example.org"),
            new MimeEmail(new byte[] {'x'}, "id@example.org"), Map.of());

    /** The most sends whose start falls in any window [t, t + 1 s). */
    private static int busiestSecond(List<Long> starts) {
        int most = 0;
        for (int i = 0, j = 0; i < starts.size(); i++) {
            while (starts.get(i) - starts.get(j) >= 1_000_000_000L) j++;
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    @Test
    void sends_are_spaced_one_over_r_apart_so_no_second_holds_more_than_r() {
        FakeTicker ticker = new FakeTicker();
        SendRateLimiter limiter = new SendRateLimiter(14, ticker);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            limiter.acquire();
            starts.add(ticker.nanos());
        }
        assertEquals(14, busiestSecond(starts));
        double seconds = (starts.get(199) - starts.get(0)) / 1e9;
        // The grid spaces starts 1/R apart; the window of the last 14 starts adds its 5% margin once a second.
        assertEquals(199 / 14.0 * 1.05, seconds, 0.1, "and no slower than R / 1.05 either");
    }

    @Test
    void a_sender_that_wakes_late_does_not_let_the_next_ones_crowd_a_second() {
        // Every third sleep overshoots by 30 ms, as a busy scheduler does; the grid alone would then put two starts
        // closer than 1/R and, in some second, R + 1 starts.
        Ticker late = new Ticker() {
            private long now = 1_000_000_000L;
            private int sleeps;

            @Override
            public long nanos() {
                return now;
            }

            @Override
            public void sleepNanos(long nanos) {
                now += nanos + (++sleeps % 3 == 0 ? 30_000_000L : 0);
            }
        };
        SendRateLimiter limiter = new SendRateLimiter(14, late);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            limiter.acquire();
            starts.add(late.nanos());
        }
        assertEquals(14, busiestSecond(starts));
        double rate = 299 / ((starts.get(299) - starts.get(0)) / 1e9);
        assertTrue(rate > 14 * 0.9, "still close to R: " + rate);
    }

    @Test
    void a_throttling_pause_holds_back_every_sender() {
        FakeTicker ticker = new FakeTicker();
        SendRateLimiter limiter = new SendRateLimiter(10, ticker);
        limiter.acquire();
        long before = ticker.nanos();
        limiter.pause(Duration.ofSeconds(2).toNanos());
        limiter.acquire();
        assertTrue(ticker.nanos() - before >= 2_000_000_000L);
    }

    @Test
    void the_rate_comes_from_max_send_rate_and_a_bad_value_is_named() {
        assertEquals(0.5, SendRateLimiter.fromEnvironment(Map.of("MAX_SEND_RATE", "0.5"), new FakeTicker()).maxPerSecond());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SendRateLimiter.fromEnvironment(Map.of("MAX_SEND_RATE", "fast"), new FakeTicker()));
        assertTrue(e.getMessage().contains("MAX_SEND_RATE"));
        assertThrows(InvalidInputException.class, () -> SendRateLimiter.fromEnvironment(Map.of("MAX_SEND_RATE", "0"), new FakeTicker()));
        assertThrows(InvalidInputException.class, () -> SendRateLimiter.fromEnvironment(Map.of(), new FakeTicker()));
    }

    @Test
    void throttled_sends_are_retried_after_a_jittered_pause_a_bounded_number_of_times() {
        FakeTicker ticker = new FakeTicker();
        int[] calls = {0};
        Mailer flaky = mail -> {
            if (++calls[0] <= 2) throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
            return "ses-1";
        };
        RateLimitedMailer mailer = new RateLimitedMailer(flaky, new SendRateLimiter(10, ticker), 5,
                Duration.ofMillis(200), Duration.ofSeconds(10), new Random(1));
        assertEquals("ses-1", mailer.send(MAIL));
        assertEquals(3, calls[0]);
        assertEquals(2, mailer.throttleRetries());
        assertEquals(1, mailer.sent());
    }

    @Test
    void after_the_last_attempt_the_throttling_is_reported_and_nothing_is_sent() {
        int[] calls = {0};
        Mailer always = mail -> {
            calls[0]++;
            throw new Mailer.Throttled("Maximum sending rate exceeded.", false, null);
        };
        RateLimitedMailer mailer = new RateLimitedMailer(always, new SendRateLimiter(10, new FakeTicker()), 4,
                Duration.ofMillis(200), Duration.ofSeconds(10), new Random(1));
        assertThrows(Mailer.Throttled.class, () -> mailer.send(MAIL));
        assertEquals(4, calls[0]);
        assertEquals(3, mailer.throttleRetries());
    }

    @Test
    void a_used_up_daily_quota_and_rejections_are_not_retried() {
        int[] calls = {0};
        Mailer quota = mail -> {
            calls[0]++;
            throw new Mailer.Throttled("Daily message quota exceeded.", true, null);
        };
        assertThrows(Mailer.Throttled.class, () -> RateLimitedMailer.withDefaults(quota, new SendRateLimiter(10, new FakeTicker())).send(MAIL));
        assertEquals(1, calls[0]);
        Mailer reject = mail -> {
            calls[0]++;
            throw new Mailer.Rejected("MessageRejected", "Email address is not verified.", false, null);
        };
        assertThrows(Mailer.Rejected.class, () -> RateLimitedMailer.withDefaults(reject, new SendRateLimiter(10, new FakeTicker())).send(MAIL));
        assertEquals(2, calls[0]);
    }

    @Test
    void backoff_is_full_jitter_between_zero_and_a_capped_exponential() {
        RateLimitedMailer mailer = new RateLimitedMailer(m -> "x", new SendRateLimiter(10, new FakeTicker()), 5,
                Duration.ofMillis(200), Duration.ofSeconds(1), new Random(7));
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(1_000_000_000L, 200_000_000L << attempt);
            for (int i = 0; i < 100; i++) {
                long b = mailer.backoffNanos(attempt);
                assertTrue(b >= 0 && b <= ceiling, "attempt " + attempt + ": " + b);
            }
        }
    }

    @Test
    void concurrent_senders_on_the_real_clock_stay_at_or_below_r() throws Exception {
        double rate = 200;
        SendRateLimiter limiter = new SendRateLimiter(rate, Ticker.system());
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        RateLimitedMailer mailer = RateLimitedMailer.withDefaults(mail -> {
            starts.add(System.nanoTime());
            return "ok";
        }, limiter);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        int total = 300;
        CountDownLatch done = new CountDownLatch(total);
        for (int i = 0; i < total; i++) pool.submit(() -> {
            mailer.send(MAIL);
            done.countDown();
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        // The limiter's slots are exactly 1/R apart (proved on the fake clock above). Here starts are stamped after
        // a thread wakes, so on a busy machine scheduling jitter can bunch a few: the allowance is that jitter,
        // not the limiter's. The average over the run must not exceed R beyond the same jitter.
        assertTrue(busiestSecond(sorted) <= rate * 1.03 + 2, "busiest second held " + busiestSecond(sorted));
        double achieved = (total - 1) / ((sorted.get(total - 1) - sorted.get(0)) / 1e9);
        assertTrue(achieved <= rate * 1.02, "achieved " + achieved);
    }

    @Test
    void a_limiter_sharing_the_accounts_budget_draws_every_send_from_it_and_a_throttle_drains_it() {
        List<String> calls = new ArrayList<>();
        org.appban.remote.Budget budget = SendRateLimiter.accountBudget(14);
        org.appban.remote.RateLimit shared = new org.appban.remote.RateLimit() {
            public org.appban.remote.Budget budget() { return budget; }
            public void take(org.appban.remote.Sleeper sleeper) { calls.add("take"); }
            public boolean takeNow() { calls.add("takeNow"); return true; }
            public void drain() { calls.add("drain"); }
        };
        SendRateLimiter limiter = new SendRateLimiter(14, new FakeTicker()).sharing(shared);
        for (int i = 0; i < 5; i++) limiter.acquire();
        limiter.pause(1_000_000);
        assertEquals(List.of("take", "take", "take", "take", "take", "drain"), calls);
        // 14 a second over 10 s windows: no 10 s window over all containers sees more than 140.
        assertEquals(140, budget.limit());
        assertTrue(budget.atMostIn(Duration.ofSeconds(10)) <= 140.0001, String.valueOf(budget.atMostIn(Duration.ofSeconds(10))));
    }
}
