package org.appban.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.junit.jupiter.api.Test;

/** When a device's new check-in time is worth a write, and what a reader of the stored time may rely on. */
class CheckInsTest {
    private static final Instant T = Instant.parse("2026-12-07T08:00:00Z");

    private static Device corporate(AppPresence app, Instant seen) {
        return new Device("intune:c1", "m1", Ownership.CORPORATE, Platform.IOS, "iPhone", true, MdmKind.INTUNE, "c1",
                MacAddress.parse("02:00:00:00:00:01"), app, ComplianceState.COMPLIANT, seen, false);
    }

    private static Device privateEnrolled(Instant seen) {
        return new Device("intune:p1", "m1", Ownership.PRIVATE, Platform.ANDROID, "Pixel", false, MdmKind.INTUNE, "p1",
                MacAddress.parse("02:00:00:00:00:02"), AppPresence.UNKNOWN, ComplianceState.COMPLIANT, seen, false);
    }

    @Test
    void a_corporate_device_whose_apps_its_mdm_reports_keeps_its_stored_time_for_a_check_in_under_a_day_later() {
        Device stored = corporate(AppPresence.PRESENT, T);
        Device fresh = corporate(AppPresence.PRESENT, T.plus(Duration.ofHours(23)));
        assertEquals(stored, CheckIns.toStore(Optional.of(stored), fresh, false), "equal to the stored device: not written");
    }

    @Test
    void a_check_in_a_day_or_more_later_is_written() {
        Device stored = corporate(AppPresence.PRESENT, T);
        Device fresh = corporate(AppPresence.PRESENT, T.plus(CheckIns.PRECISION));
        assertSame(fresh, CheckIns.toStore(Optional.of(stored), fresh, false));
    }

    @Test
    void a_device_written_anyway_for_its_stamp_or_another_change_takes_the_fresh_time() {
        Device stored = corporate(AppPresence.PRESENT, T);
        Device later = corporate(AppPresence.PRESENT, T.plus(Duration.ofHours(2)));
        assertSame(later, CheckIns.toStore(Optional.of(stored), later, true), "its daily stamp is due");
        Device removed = corporate(AppPresence.ABSENT, T.plus(Duration.ofHours(2)));
        assertSame(removed, CheckIns.toStore(Optional.of(stored), removed, false), "the app list changed: the change's own time is kept");
    }

    @Test
    void the_devices_whose_time_is_weighed_against_another_word_keep_every_check_in() {
        // A private device's compliance is weighed against attestations and sightings; a corporate device whose apps
        // are not reported is judged on its compliance, which the webhook reports with times of its own.
        Device stored = privateEnrolled(T);
        Device fresh = privateEnrolled(T.plus(Duration.ofMinutes(30)));
        assertSame(fresh, CheckIns.toStore(Optional.of(stored), fresh, false));
        Device unknownApps = corporate(AppPresence.UNKNOWN, T.plus(Duration.ofMinutes(30)));
        assertSame(unknownApps, CheckIns.toStore(Optional.of(corporate(AppPresence.UNKNOWN, T)), unknownApps, false));
        assertTrue(CheckIns.exact(stored));
        assertTrue(CheckIns.exact(unknownApps));
        assertFalse(CheckIns.exact(corporate(AppPresence.ABSENT, T)));
    }

    @Test
    void a_new_a_returning_or_a_timeless_device_is_stored_as_reported_and_a_time_never_goes_back_quietly() {
        Device fresh = corporate(AppPresence.PRESENT, T.plus(Duration.ofHours(1)));
        assertSame(fresh, CheckIns.toStore(Optional.empty(), fresh, false));
        assertSame(fresh, CheckIns.toStore(Optional.of(corporate(AppPresence.PRESENT, T).withRetired(true)), fresh, false));
        assertSame(fresh, CheckIns.toStore(Optional.of(corporate(AppPresence.PRESENT, null)), fresh, false));
        Device earlier = corporate(AppPresence.PRESENT, T.minus(Duration.ofHours(1)));
        assertSame(earlier, CheckIns.toStore(Optional.of(corporate(AppPresence.PRESENT, T)), earlier, false));
    }

    @Test
    void the_stored_time_is_at_most_a_day_behind_so_a_reader_knows_the_latest_it_can_stand_for() {
        assertEquals(T.plus(CheckIns.PRECISION), CheckIns.latestPossible(corporate(AppPresence.PRESENT, T)));
        assertEquals(T, CheckIns.latestPossible(privateEnrolled(T)));
        assertEquals(null, CheckIns.latestPossible(corporate(AppPresence.PRESENT, null)));
    }

    @Test
    void a_day_of_hourly_check_ins_writes_a_corporate_device_at_most_once_for_its_time() {
        Device stored = corporate(AppPresence.PRESENT, T);
        int writes = 0;
        for (int h = 1; h <= 24; h++) {
            Device fresh = corporate(AppPresence.PRESENT, T.plus(Duration.ofHours(h)));
            Device kept = CheckIns.toStore(Optional.of(stored), fresh, false);
            if (!kept.equals(stored)) {
                writes++;
                stored = kept;
            }
        }
        assertEquals(1, writes);
        assertEquals(T.plus(Duration.ofHours(24)), stored.lastSeen());
    }
}
