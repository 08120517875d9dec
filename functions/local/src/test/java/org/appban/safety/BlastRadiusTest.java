package org.appban.safety;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlastRadiusTest {
    private final BlastRadius cap = new BlastRadius(50, 0.25);

    @Test
    void a_run_within_both_limits_goes_ahead() {
        assertTrue(cap.check(20, 200, false).allowed());
    }

    @Test
    void a_run_over_the_count_stops_unless_confirmed() {
        BlastRadius.Verdict v = cap.check(51, 1000, false);
        assertFalse(v.allowed());
        assertTrue(v.reason().contains("\"confirm\": 51"), v.reason());
        assertTrue(cap.check(51, 1000, true).allowed());
    }

    @Test
    void a_run_over_the_share_of_the_fleet_stops_even_when_small() {
        assertFalse(cap.check(3, 10, false).allowed());
    }

    @Test
    void nothing_to_do_is_always_allowed() {
        assertTrue(cap.check(0, 0, false).allowed());
    }
}
