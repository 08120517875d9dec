package org.appban.policy.file;

import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.policy.OneInstant;
import java.time.LocalDateTime;
import java.time.zone.ZoneOffsetTransition;
import org.appban.input.StrictObject.Problems;
import org.appban.notice.NoticeCalendar;
import org.appban.notice.ScheduledNotice;

/**
 * The checks that need the whole policy, run by the loader once the fields are valid: every scheduled stage is sent
 * within the campaign (by the same calendar that sends them, {@link NoticeCalendar}), at a send time that is one
 * instant on its send date.
 */
final class CampaignCheck {
    private CampaignCheck() {
    }

    static void check(BanPolicy policy, Problems problems) {
        NoticeCalendar calendar;
        try {
            calendar = new NoticeCalendar(policy);
        } catch (IllegalStateException e) {
            problems.add("notices.holidays", e.getMessage());
            return;
        }
        for (NoticeStage s : calendar.dropped()) {
            problems.add("notices.stages", "the reminder '" + s.id() + "' (" + s.offsetDays() + " days before the deadline, "
                    + policy.deadline().toLocalDate().minusDays(s.offsetDays()) + ") falls on or before the announcement ("
                    + policy.announcement() + ", or the send day before it): it would never be sent; remove it or give it fewer days");
        }
        for (ScheduledNotice n : calendar.scheduled()) {
            LocalDateTime local = n.sendDate().atTime(policy.notices().sendTime());
            if (policy.zone().getRules().getValidOffsets(local).size() == 1) continue;
            ZoneOffsetTransition t = policy.zone().getRules().getTransition(local);
            problems.add("notices.sendTime", "the stage '" + n.stage().id() + "' is sent on " + n.sendDate() + ", and "
                    + OneInstant.ambiguity(local, policy.zone(), t, "a sendTime outside " + t.getDateTimeBefore().toLocalTime()
                    + "-" + t.getDateTimeAfter().toLocalTime() + " (or move the stage)"));
        }
    }
}
