package org.appban.rehearsal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/** Firing times of the schedules the template declares, computed as EventBridge Scheduler would in a named zone. */
final class Schedules {
    private Schedules() {
    }

    /** Every day at a local time in {@code zone} (a local time that does not exist on a DST day moves forward). */
    static List<Instant> daily(LocalTime at, ZoneId zone, Instant from, Instant until) {
        List<Instant> times = new ArrayList<>();
        LocalDate day = from.atZone(zone).toLocalDate();
        while (true) {
            Instant t = ZonedDateTime.of(day, at, zone).toInstant();
            if (t.isAfter(until)) break;
            if (!t.isBefore(from)) times.add(t);
            day = day.plusDays(1);
        }
        return times;
    }

    static List<Instant> every(java.time.Duration period, Instant from, Instant until) {
        List<Instant> times = new ArrayList<>();
        for (Instant t = from; !t.isAfter(until); t = t.plus(period)) times.add(t);
        return times;
    }
}
