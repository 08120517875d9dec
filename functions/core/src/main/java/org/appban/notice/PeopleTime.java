package org.appban.notice;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Writes instants the way the people reading the notice tell time: in the policy's zone, in the template set's
 * language, with the zone's short name for that very instant (NZDT before daylight time ends, NZST after), e.g.
 * "Friday 31 March 2023, 12:00 am NZDT".
 */
public final class PeopleTime {
    private final ZoneId zone;
    private final DateTimeFormatter dateTime;
    private final DateTimeFormatter date;

    public PeopleTime(ZoneId zone, TemplateSet.Settings settings) {
        this.zone = zone;
        this.dateTime = DateTimeFormatter.ofPattern(settings.dateTimePattern(), settings.locale());
        this.date = DateTimeFormatter.ofPattern(settings.datePattern(), settings.locale());
    }

    public String dateTime(Instant instant) {
        return instant == null ? null : dateTime.format(instant.atZone(zone));
    }

    public String date(Instant instant) {
        return instant == null ? null : date.format(instant.atZone(zone));
    }
}
