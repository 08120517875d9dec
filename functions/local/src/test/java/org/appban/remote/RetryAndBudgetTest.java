package org.appban.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryAndBudgetTest {
    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), ApiClient.retryAfter(Optional.of("7")));
        assertEquals(Optional.empty(), ApiClient.retryAfter(Optional.empty()));
        assertEquals(Optional.empty(), ApiClient.retryAfter(Optional.of("soon")));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        Duration d = ApiClient.retryAfter(Optional.of(date)).orElseThrow();
        assertTrue(d.getSeconds() > 20 && d.getSeconds() <= 30, d.toString());
    }

    @Test
    void backoffDoublesWithJitterAndStopsAtTheCap() {
        RetryPolicy p = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(60));
        Random r = new Random(1);
        for (int attempt = 1; attempt <= 6; attempt++) {
            long ceiling = Math.min(4000, 500L << (attempt - 1));
            long ms = p.backoff(attempt, r).toMillis();
            assertTrue(ms >= ceiling / 2 && ms <= ceiling, attempt + ": " + ms);
        }
        assertEquals(Duration.ofSeconds(60), p.honour(Duration.ofHours(1)), "a silly Retry-After is capped");
    }

    @Test
    void aBucketSizedFromABudgetNeverLetsAWindowSeeMoreThanTheBudget() {
        AtomicLong now = new AtomicLong();
        TokenBucket b = new TokenBucket("writes", 20, 180, Duration.ofSeconds(20), now::get);
        int sent = 0;
        // Send as fast as allowed for 20 simulated seconds, in 1 ms steps.
        for (long t = 0; t < 20_000_000_000L; t += 1_000_000L) {
            now.set(t);
            while (b.tryTake().isZero()) sent++;
        }
        assertTrue(sent <= 200, "sent " + sent + " in a 20 s window of a 200 budget");
        assertTrue(sent >= 190, "and uses most of it: " + sent);
    }

    @Test
    void aRequestThatCannotHaveEveryBudgetsPermitNowGivesBackTheOnesItTook() {
        AtomicLong now = new AtomicLong();
        TokenBucket writes = new TokenBucket("writes", 2, 0, Duration.ofSeconds(20), now::get);
        TokenBucket any = new TokenBucket("any", 1, 0, Duration.ofSeconds(20), now::get);
        any.drain();
        ApiClient api = new ApiClient("intune", RemoteOptions.standard(java.time.Clock.systemUTC()),
                (method, path) -> java.util.List.of(writes, any), Authorizer.NONE);
        assertFalse(api.tryAcquire("POST", "/v1.0/deviceManagement/managedDevices/1/syncDevice"));
        // The scarcer budget's permit was not spent on a request that was not sent: both are still there.
        assertTrue(writes.takeNow());
        assertTrue(writes.takeNow());
        assertFalse(writes.takeNow());
    }

    @Test
    void aDrainedBucketMakesTheNextRequestWait() {
        AtomicLong now = new AtomicLong();
        TokenBucket b = new TokenBucket("x", 5, 90, Duration.ofSeconds(20), now::get);
        b.drain();
        assertFalse(b.tryTake().isZero());
    }

    @Test
    void secretsNeverShowThemselves() {
        assertEquals("****", new Secret("hunter2").toString());
        assertFalse(new BasicAuth("u", new Secret("hunter2")).toString().contains("hunter2"));
    }
}
