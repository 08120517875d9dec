package org.appban.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.junit.jupiter.api.Test;

/** The cap's denominator for a run that does not read the fleet: the inventory's last count of it. */
class FleetCountTest {
    private static final Instant NOON = Instant.parse("2026-12-07T12:00:00Z");
    private final BlastRadius cap = new BlastRadius(50, 0.10);

    @Test
    void a_count_is_kept_once_a_utc_day_and_read_back_from_today_then_yesterday() {
        FleetCount c = new FleetCount(4_000, Instant.parse("2026-12-07T00:05:00Z"));
        assertEquals("inventory/fleet-counted/2026-12-07", c.key());
        assertEquals(List.of("inventory/fleet-counted/2026-12-08", "inventory/fleet-counted/2026-12-07"),
                FleetCount.keysAt(Instant.parse("2026-12-08T23:59:00Z")));
        LedgerRecord r = c.record(NOON, Actor.schedule("inventory-hourly"));
        assertEquals(c.key(), r.idempotencyKey());
        assertEquals("fleet", r.chain(), "a fleet-wide fact, about no member");
        assertEquals(Optional.of(c), FleetCount.of(r));
    }

    @Test
    void an_entry_that_does_not_read_as_a_count_is_as_good_as_none() {
        LedgerRecord garbled = new LedgerRecord(NOON, Actor.schedule("x"), null, null, FleetCount.ACTION, "ok", false, "k", Map.of("devices", "many"));
        assertEquals(Optional.empty(), FleetCount.of(garbled));
        LedgerRecord dry = new FleetCount(3, NOON).record(NOON, Actor.schedule("x"));
        assertEquals(Optional.empty(), FleetCount.of(new LedgerRecord(NOON, dry.actor(), null, null, dry.action(), "would-do", true, null, dry.details())));
        assertThrows(IllegalArgumentException.class, () -> new FleetCount(-1, NOON));
    }

    @Test
    void a_fresh_count_is_the_share_s_denominator() {
        assertTrue(cap.check(5, Optional.of(new FleetCount(100, NOON.minus(Duration.ofHours(30)))), NOON, false).allowed());
        BlastRadius.Verdict over = cap.check(11, Optional.of(new FleetCount(100, NOON)), NOON, false);
        assertFalse(over.allowed());
        assertTrue(over.reason().contains("11 of 100 devices"), over.reason());
    }

    @Test
    void without_a_count_nothing_is_quarantined_past_a_cap_nobody_can_check_unless_confirmed() {
        BlastRadius.Verdict none = cap.check(1, Optional.empty(), NOON, false);
        assertFalse(none.allowed(), "one device of an unknown fleet may be all of it");
        assertTrue(none.reason().contains("the fleet's size is unknown"), none.reason());
        assertTrue(none.reason().contains("\"confirm\": 1"), none.reason());
        assertTrue(cap.check(1, Optional.empty(), NOON, true).allowed());
        assertTrue(cap.check(0, Optional.empty(), NOON, false).allowed(), "nothing to act on needs no count");
    }

    @Test
    void a_count_older_than_two_days_or_from_the_future_weighs_nothing() {
        FleetCount old = new FleetCount(1_000, NOON.minus(FleetCount.MAX_AGE).minusSeconds(1));
        assertFalse(old.usable(NOON));
        assertTrue(cap.check(1, Optional.of(old), NOON, false).reason().contains("too old"));
        assertFalse(new FleetCount(1_000, NOON.plus(Duration.ofHours(1))).usable(NOON), "a clock gone wrong");
        assertTrue(new FleetCount(1_000, NOON.minus(FleetCount.MAX_AGE)).usable(NOON));
    }
}
