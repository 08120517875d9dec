package org.appban.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.Test;

/** The time an invocation outside Lambda has left, as its handler reads it. */
class LocalContextTest {
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void a_deadline_on_a_running_clock_counts_down_as_lambdas_remaining_time_does() {
        TestClock clock = new TestClock(START);
        LocalContext context = LocalContext.invocation("notify").withDeadline(START.plusSeconds(30), clock);

        assertEquals(30_000, context.getRemainingTimeInMillis());
        clock.advance(Duration.ofMillis(12_345));
        assertEquals(17_655, context.getRemainingTimeInMillis());
        clock.advance(Duration.ofMillis(17_654));
        assertEquals(1, context.getRemainingTimeInMillis());
    }

    @Test
    void past_its_deadline_an_invocation_has_one_millisecond_left_never_the_zero_that_handlers_read_as_no_limit() {
        TestClock clock = new TestClock(START);
        LocalContext context = LocalContext.invocation("notify").withDeadline(START.plusSeconds(1), clock);

        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, context.getRemainingTimeInMillis());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(1, context.getRemainingTimeInMillis());
    }

    @Test
    void a_time_left_given_as_a_number_stays_as_given_throughout() throws InterruptedException {
        LocalContext context = LocalContext.invocation("roster").withRemainingMillis(61_000);
        Thread.sleep(5);
        assertEquals(61_000, context.getRemainingTimeInMillis());
        assertEquals(LocalContext.FIFTEEN_MINUTES, LocalContext.invocation("roster").getRemainingTimeInMillis());
        assertEquals(0, LocalContext.invocation("roster").withRemainingMillis(0).getRemainingTimeInMillis());
    }

    @Test
    void the_request_id_and_the_log_change_nothing_about_the_deadline_and_no_client_context_is_ever_given() {
        TestClock clock = new TestClock(START);
        StringBuilder log = new StringBuilder();
        LocalContext context = LocalContext.invocation("notify").withDeadline(START.plusSeconds(10), clock)
                .withRequestId("r-1").withLog(log::append);
        clock.advance(Duration.ofSeconds(4));

        assertEquals(6_000, context.getRemainingTimeInMillis());
        assertEquals("r-1", context.getAwsRequestId());
        context.getLogger().log("line");
        assertEquals("line", log.toString());
        assertNull(context.getClientContext());
    }
}
