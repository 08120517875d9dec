package org.appban.notice;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.policy.StageKind;

/**
 * When each scheduled stage of a policy goes out. Pure: everything comes from the policy.
 *
 * <h2>The rule</h2>
 * <ol>
 *   <li><b>Nominal date</b> (local, policy zone): announcement on the announcement date; a reminder
 *       {@code offsetDays} before the deadline's local date; the deadline notice on the deadline's local date;
 *       an overdue notice {@code offsetDays} after it.</li>
 *   <li><b>Send days.</b> A listed holiday is never a send day: the policy author named that date explicitly, so
 *       it wins everywhere. A Saturday or Sunday is not a send day, except inside the <i>weekend window</i>: the
 *       {@code weekendDaysBeforeDeadline} local dates before the deadline date and the deadline date itself
 *       ({@code deadlineDate - W <= d <= deadlineDate}; with W = 0 there is no window and only business days
 *       count).</li>
 *   <li><b>Moving off a non-send day.</b> A reminder moves <i>back</i> to the previous send day. A reminder
 *       exists to arrive before the deadline with time to act; moving a Saturday reminder to Monday would shorten
 *       the time left, or push it past the deadline, which is not what a member expects from "N days before".
 *       If moving back would reach the announcement's send date or earlier, the reminder adds nothing to the
 *       announcement and is left out of the calendar ({@link #dropped()} says which). Every other stage moves
 *       <i>forward</i> to the next send day: an announcement cannot come before it is announced, the deadline
 *       notice says "today is the day" and must not come before it, and an overdue notice is after the fact by
 *       definition.</li>
 *   <li><b>Time of day.</b> The send date at the policy's {@code sendTime}, in the policy zone. Offsets come from
 *       the zone rules for that date (31 March 2023 09:00 Pacific/Auckland is UTC+13, 3 April is UTC+12). A send
 *       time inside a daylight-saving gap moves forward by the gap; in an overlap the earlier offset is used
 *       (java.time's {@code atZone} rules), so a notice never goes out twice nor is skipped. A policy file whose send
 *       time is in a gap or an overlap on one of its send dates is refused at load (PolicyLoader's CampaignCheck,
 *       naming both instants), so these rules only ever apply to policies built in code.</li>
 * </ol>
 */
public final class NoticeCalendar {
    /** Safety bound on moving: a holiday list cannot block more than this many consecutive days. */
    private static final int MAX_MOVE_DAYS = 366;

    private final BanPolicy policy;
    private final Set<LocalDate> holidays;
    private final List<ScheduledNotice> scheduled;
    private final List<NoticeStage> dropped = new ArrayList<>();

    public NoticeCalendar(BanPolicy policy) {
        this.policy = policy;
        this.holidays = new HashSet<>(policy.notices().holidays());
        this.scheduled = place();
    }

    /** The scheduled stages in send order (ties keep the policy's stage order). */
    public List<ScheduledNotice> scheduled() {
        return scheduled;
    }

    /** Reminders left out because moving them back would put them on or before the announcement. */
    public List<NoticeStage> dropped() {
        return List.copyOf(dropped);
    }

    public Optional<ScheduledNotice> of(String stageId) {
        return scheduled.stream().filter(s -> s.stage().id().equals(stageId)).findFirst();
    }

    /** The stages already due at {@code now}, in send order. */
    public List<ScheduledNotice> dueAt(Instant now) {
        return scheduled.stream().filter(s -> s.isDueAt(now)).toList();
    }

    /** True when the policy lets a notice go out on this local date. */
    public boolean isSendDay(LocalDate date) {
        if (holidays.contains(date)) return false;
        boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
        return !weekend || inWeekendWindow(date);
    }

    private boolean inWeekendWindow(LocalDate date) {
        int window = policy.notices().weekendDaysBeforeDeadline();
        LocalDate deadlineDate = policy.deadline().toLocalDate();
        return window > 0 && !date.isBefore(deadlineDate.minusDays(window)) && !date.isAfter(deadlineDate);
    }

    private List<ScheduledNotice> place() {
        List<ScheduledNotice> placed = new ArrayList<>();
        LocalDate deadlineDate = policy.deadline().toLocalDate();
        LocalDate announcementSend = forward(policy.announcement());
        for (NoticeStage stage : policy.notices().stages()) {
            if (!stage.kind().isScheduled()) continue;
            LocalDate nominal = switch (stage.kind()) {
                case ANNOUNCEMENT -> policy.announcement();
                case REMINDER -> deadlineDate.minusDays(stage.offsetDays());
                case DEADLINE -> deadlineDate;
                case OVERDUE -> deadlineDate.plusDays(stage.offsetDays());
                default -> throw new IllegalStateException("not a scheduled kind: " + stage.kind());
            };
            LocalDate send = stage.kind() == StageKind.REMINDER ? backward(nominal) : forward(nominal);
            if (stage.kind() == StageKind.REMINDER && !send.isAfter(announcementSend)) {
                dropped.add(stage);
                continue;
            }
            placed.add(new ScheduledNotice(stage, nominal, send, at(send)));
        }
        placed.sort(Comparator.comparing(ScheduledNotice::sendAt)); // stable: ties keep policy order
        return List.copyOf(placed);
    }

    private Instant at(LocalDate date) {
        return date.atTime(policy.notices().sendTime()).atZone(policy.zone()).toInstant();
    }

    private LocalDate forward(LocalDate date) {
        return move(date, 1);
    }

    private LocalDate backward(LocalDate date) {
        return move(date, -1);
    }

    private LocalDate move(LocalDate date, int step) {
        LocalDate d = date;
        for (int i = 0; i <= MAX_MOVE_DAYS; i++) {
            if (isSendDay(d)) return d;
            d = d.plusDays(step);
        }
        throw new IllegalStateException("policy " + policy.id() + ": no send day within " + MAX_MOVE_DAYS
                + " days of " + date + " (holidays list?)");
    }
}
