package org.appban.notice;

import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.withCalendar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;

class NoticeCalendarTest {
    private static final NoticeStage ANNOUNCEMENT = new NoticeStage("announcement", StageKind.ANNOUNCEMENT, 0, "s");
    private static final NoticeStage DEADLINE = new NoticeStage("deadline", StageKind.DEADLINE, 0, "s");

    private static NoticeStage reminder(int days) {
        return new NoticeStage("reminder-" + days + "d", StageKind.REMINDER, days, "s");
    }

    private static NoticeStage overdue(int days) {
        return new NoticeStage("overdue-" + days + "d", StageKind.OVERDUE, days, "s");
    }

    private static LocalDate sendDate(BanPolicy policy, String stage) {
        return new NoticeCalendar(policy).of(stage).orElseThrow().sendDate();
    }

    @Test
    void the_bundled_campaign_goes_out_at_nine_in_auckland_across_the_end_of_daylight_time() {
        NoticeCalendar calendar = new NoticeCalendar(Fixtures.POLICY);

        assertEquals(List.of("announcement", "reminder-7d", "reminder-2d", "deadline", "overdue"),
                calendar.scheduled().stream().map(s -> s.stage().id()).toList());
        assertEquals(Instant.parse("2023-03-16T20:00:00Z"), calendar.of("announcement").orElseThrow().sendAt());
        assertEquals(Instant.parse("2023-03-23T20:00:00Z"), calendar.of("reminder-7d").orElseThrow().sendAt());
        assertEquals(Instant.parse("2023-03-28T20:00:00Z"), calendar.of("reminder-2d").orElseThrow().sendAt());
        // Friday 31 March 2023 09:00 is daylight time (UTC+13) ...
        assertEquals(Instant.parse("2023-03-30T20:00:00Z"), calendar.of("deadline").orElseThrow().sendAt());
        // ... Monday 3 April 2023 09:00 is standard time (UTC+12): daylight time ended on Sunday 2 April.
        assertEquals(Instant.parse("2023-04-02T21:00:00Z"), calendar.of("overdue").orElseThrow().sendAt());
        assertTrue(calendar.dropped().isEmpty());
    }

    @Test
    void event_driven_stages_are_not_on_the_calendar() {
        assertTrue(new NoticeCalendar(Fixtures.POLICY).scheduled().stream().allMatch(s -> s.stage().kind().isScheduled()));
    }

    @Test
    void a_reminder_on_a_saturday_outside_the_weekend_window_moves_back_to_the_friday_before() {
        // Deadline Friday 31 March; 6 days before is Saturday 25 March; the 3-day window starts on 28 March.
        BanPolicy policy = withCalendar("2023-03-31T00:00", 3, List.of(), ANNOUNCEMENT, reminder(6), DEADLINE);
        ScheduledNotice r = new NoticeCalendar(policy).of("reminder-6d").orElseThrow();

        assertEquals(LocalDate.parse("2023-03-25"), r.nominalDate());
        assertEquals(LocalDate.parse("2023-03-24"), r.sendDate());
        assertTrue(r.moved());
    }

    @Test
    void inside_the_weekend_window_a_reminder_goes_out_on_a_sunday() {
        // 5-day window before Friday 31 March: 26 March (Sunday) to 31 March.
        BanPolicy policy = withCalendar("2023-03-31T00:00", 5, List.of(), ANNOUNCEMENT, reminder(5), DEADLINE);

        assertEquals(LocalDate.parse("2023-03-26"), sendDate(policy, "reminder-5d"));
    }

    @Test
    void with_no_weekend_window_a_deadline_on_a_saturday_is_announced_on_the_monday() {
        BanPolicy policy = withCalendar("2023-04-01T00:00", 0, List.of(), ANNOUNCEMENT, DEADLINE);

        assertEquals(LocalDate.parse("2023-04-03"), sendDate(policy, "deadline"));
        assertEquals(nz("2023-04-03T09:00"), new NoticeCalendar(policy).of("deadline").orElseThrow().sendAt());
    }

    @Test
    void with_a_weekend_window_a_deadline_on_a_saturday_is_announced_that_saturday() {
        BanPolicy policy = withCalendar("2023-04-01T00:00", 1, List.of(), ANNOUNCEMENT, DEADLINE);

        assertEquals(LocalDate.parse("2023-04-01"), sendDate(policy, "deadline"));
    }

    @Test
    void a_listed_holiday_is_never_a_send_day_not_even_inside_the_weekend_window() {
        // Reminder 2 days before is Wednesday 29 March, inside the window, but listed as a holiday.
        BanPolicy policy = withCalendar("2023-03-31T00:00", 3, List.of(LocalDate.parse("2023-03-29")),
                ANNOUNCEMENT, reminder(2), DEADLINE);

        assertEquals(LocalDate.parse("2023-03-28"), sendDate(policy, "reminder-2d"));
    }

    @Test
    void an_overdue_notice_on_a_weekend_moves_forward_past_weekend_and_holidays() {
        // Deadline Friday 31 March; one day after is Saturday 1 April; Monday 3 April a holiday.
        BanPolicy policy = withCalendar("2023-03-31T00:00", 3, List.of(LocalDate.parse("2023-04-03")),
                ANNOUNCEMENT, DEADLINE, overdue(1));

        assertEquals(LocalDate.parse("2023-04-04"), sendDate(policy, "overdue-1d"));
    }

    @Test
    void an_announcement_on_a_sunday_goes_out_on_the_monday() {
        BanPolicy policy = withCalendar(LocalDate.parse("2023-03-19"), "2023-03-31T00:00", LocalTime.of(9, 0), 3,
                List.of(), ANNOUNCEMENT, DEADLINE);

        assertEquals(LocalDate.parse("2023-03-20"), sendDate(policy, "announcement"));
    }

    @Test
    void a_reminder_that_would_come_on_or_before_the_announcement_is_left_out() {
        // 14 days before 31 March is 17 March, the announcement date itself.
        BanPolicy policy = withCalendar("2023-03-31T00:00", 3, List.of(), ANNOUNCEMENT, reminder(14), reminder(7), DEADLINE);
        NoticeCalendar calendar = new NoticeCalendar(policy);

        assertFalse(calendar.of("reminder-14d").isPresent());
        assertEquals(List.of("reminder-14d"), calendar.dropped().stream().map(NoticeStage::id).toList());
        assertTrue(calendar.of("reminder-7d").isPresent());
    }

    @Test
    void a_send_time_in_the_daylight_saving_gap_moves_forward_by_the_gap() {
        // Daylight time starts in Auckland on Sunday 24 September 2023: 02:00 NZST becomes 03:00 NZDT.
        BanPolicy policy = withCalendar(LocalDate.parse("2023-09-01"), "2023-09-24T12:00", LocalTime.of(2, 30), 1,
                List.of(), ANNOUNCEMENT, DEADLINE);

        assertEquals(Instant.parse("2023-09-23T14:30:00Z"), new NoticeCalendar(policy).of("deadline").orElseThrow().sendAt());
    }

    @Test
    void due_stages_are_those_whose_send_instant_has_come() {
        NoticeCalendar calendar = new NoticeCalendar(Fixtures.POLICY);

        assertEquals(List.of(), calendar.dueAt(nz("2023-03-17T08:59")));
        assertEquals(List.of("announcement"), calendar.dueAt(nz("2023-03-17T09:00")).stream().map(s -> s.stage().id()).toList());
        assertEquals(4, calendar.dueAt(nz("2023-03-31T09:00")).size());
    }
}
