package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * How a container sizes its batches of a shared budget and when it asks for the next one: pure decisions, every
 * moment given (epoch ms). Their effect on a real table is in {@link DynamoRateLimitsIT} and {@code bench budgets}.
 */
class BatchPacingTest {
    private static final long T = 1_796_000_000_000L;

    @Test
    void a_first_batch_is_the_containers_share_of_the_burst_among_those_that_drew_lately() {
        assertEquals(1, BatchPacing.firstBatch(12, 15), "fifteen containers on ISE's burst of twelve: one each");
        assertEquals(2, BatchPacing.firstBatch(5, 2), "two workers on Graph's device writes: two each");
        assertEquals(4, BatchPacing.firstBatch(12, 3));
        assertEquals(1, BatchPacing.firstBatch(12, 1), "alone: one, as a single request needs; its pace sizes the next");
        assertEquals(1, BatchPacing.firstBatch(1, 0));
    }

    @Test
    void a_batch_used_up_sizes_the_next_by_the_pace_it_showed_at_most_doubling_and_one_that_lapsed_by_what_was_used() {
        assertEquals(5, BatchPacing.nextBatch(5, 500, 5, 5, 1, false), "used up at once: the burst");
        assertEquals(4, BatchPacing.nextBatch(12, 500, 2, 2, 10, false), "used up at once: at most twice the last");
        assertEquals(2, BatchPacing.nextBatch(12, 250, 4, 4, 500, false), "used up after twice the lease: half");
        assertEquals(3, BatchPacing.nextBatch(12, 250, 8, 3, 250, false), "lapsed with five left: what was used");
        assertEquals(1, BatchPacing.nextBatch(12, 250, 8, 0, 250, false), "never less than one");
    }

    @Test
    void a_batch_that_found_the_bucket_with_room_sizes_the_next_by_the_pace_alone_up_to_the_burst() {
        assertEquals(12, BatchPacing.nextBatch(12, 250, 1, 1, 20, true), "one used in 20 ms of a 250 ms lease: twelve fit, not two");
        assertEquals(2, BatchPacing.nextBatch(12, 250, 1, 1, 20, false), "behind others' reservations: at most twice the last");
        assertEquals(2, BatchPacing.nextBatch(12, 250, 1, 1, 120, true), "one in 120 ms: two fit a lease, with room or not");
        assertEquals(1, BatchPacing.nextBatch(12, 250, 4, 1, 250, true), "lapsed with three left: what was used, room or not");
        assertEquals(12, BatchPacing.aheadBatch(12, 250, 1, 15, true), "a take every 15 ms, the bucket with room: the burst");
        assertEquals(2, BatchPacing.aheadBatch(12, 250, 1, 15, false));
        assertEquals(1, BatchPacing.aheadBatch(12, 250, 1, 300, true), "slower than a lease: one, room or not");
    }

    @Test
    void the_next_batch_is_needed_at_the_take_after_the_held_ones_at_the_containers_pace_or_the_first_after_the_lease() {
        assertEquals(T + 30, BatchPacing.neededAt(T, 2, T + 500, 10), "two held at 10 ms a take: the third take");
        assertEquals(T + 300, BatchPacing.neededAt(T, 0, T + 250, 300), "none held: the next take");
        assertEquals(T + 300, BatchPacing.neededAt(T, 3, T + 250, 100), "the lease runs out before the third: the first take after it");
        assertEquals(T + 1, BatchPacing.neededAt(T, 0, T + 500, 0), "a burst of takes: at once");
    }

    @Test
    void it_is_asked_for_a_write_and_a_half_before_it_is_needed() {
        assertEquals(T + 300 - 60 - 5, BatchPacing.askAt(T + 300, 40));
        assertEquals(T - 5, BatchPacing.askAt(T, 0));
        // A slow table (3 s a write under load): asked for well ahead.
        assertTrue(BatchPacing.askAt(T + 1000, 3000) < T - 3000);
    }

    @Test
    void a_batch_asked_for_ahead_is_what_the_container_takes_in_a_lease_at_its_pace() {
        assertEquals(1, BatchPacing.aheadBatch(12, 250, 1, 300, false), "a take every 300 ms on a 250 ms lease: one");
        assertEquals(5, BatchPacing.aheadBatch(5, 500, 5, 50, false), "ten a lease wanted, the burst is five");
        assertEquals(4, BatchPacing.aheadBatch(12, 250, 2, 10, false), "at most twice the current");
        assertEquals(1, BatchPacing.aheadBatch(12, 250, 0, 3000, false));
    }

    @Test
    void the_pace_is_a_moving_average_of_the_time_between_takes_with_a_gap_counted_as_at_most_a_window() {
        assertEquals(300, BatchPacing.interval(-1, 300, 10_000), 1e-9, "the first measured");
        assertEquals(0.7 * 300 + 0.3 * 100, BatchPacing.interval(300, 100, 10_000), 1e-9);
        assertEquals(0.7 * 300 + 0.3 * 10_000, BatchPacing.interval(300, 3_600_000, 10_000), 1e-9, "an hour idle counts as a window");
        assertEquals(0, BatchPacing.interval(-1, 0, 10_000), 1e-9, "two takes at once: measured, zero");
    }
}
