package org.appban.notice;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import org.appban.policy.NoticeStage;

/**
 * A scheduled stage placed on the calendar.
 *
 * @param nominalDate the local date the policy asks for (announcement date, deadline minus N days, ...)
 * @param sendDate    the local date it actually goes out, after moving off weekends and holidays
 * @param sendAt      the instant it becomes due: {@code sendDate} at the policy's send time in the policy zone
 */
public record ScheduledNotice(NoticeStage stage, LocalDate nominalDate, LocalDate sendDate, Instant sendAt) {
    public ScheduledNotice {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(nominalDate, "nominalDate");
        Objects.requireNonNull(sendDate, "sendDate");
        Objects.requireNonNull(sendAt, "sendAt");
    }

    public boolean isDueAt(Instant now) {
        return !sendAt.isAfter(now);
    }

    public boolean moved() {
        return !sendDate.equals(nominalDate);
    }
}
