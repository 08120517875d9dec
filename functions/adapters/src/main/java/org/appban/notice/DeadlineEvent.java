package org.appban.notice;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.HexFormat;
import java.util.Locale;
import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.Daylight;
import net.fortuna.ical4j.model.component.Observance;
import net.fortuna.ical4j.model.component.Standard;
import net.fortuna.ical4j.model.component.VAlarm;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.component.VTimeZone;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Sequence;
import net.fortuna.ical4j.model.property.Summary;
import net.fortuna.ical4j.model.property.Trigger;
import net.fortuna.ical4j.model.property.TzId;
import net.fortuna.ical4j.model.property.TzName;
import net.fortuna.ical4j.model.property.TzOffsetFrom;
import net.fortuna.ical4j.model.property.TzOffsetTo;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.immutable.ImmutableAction;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableMethod;
import net.fortuna.ical4j.model.property.immutable.ImmutableTransp;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;
import org.appban.mail.Attachment;
import org.appban.policy.BanPolicy;
import org.appban.policy.StageKind;

/**
 * The deadline as a calendar event (RFC 5545, built with ical4j), attached to the announcement and the reminders so
 * that a member can put it in their calendar:
 * <ul>
 *   <li>one VEVENT at the deadline, its local time in the policy's zone ({@code DTSTART;TZID=Pacific/Auckland:...}),
 *       with that zone's VTIMEZONE, so every client shows it at the same instant whatever its own zone;</li>
 *   <li>a UID derived from the ban and the member (a hash: no name, address or roster id in it), the same in every
 *       notice, so a reminder's event updates the announcement's rather than adding a second one; its SEQUENCE is the
 *       number of days from the announcement to the notice's scheduled day, which grows with every stage and is the
 *       same when a notice is sent again, as RFC 5545 asks of a revision;</li>
 *   <li>METHOD:PUBLISH: an event to keep, not a meeting to answer (no organiser, no attendees);</li>
 *   <li>a reminder one day before.</li>
 * </ul>
 * The VTIMEZONE is written from the JDK's zone rules, the same rules every other time in the notice is written
 * with, as the observances in force from a year before the deadline to a year after it (RFC 5545 3.6.5 needs the one
 * in force at DTSTART); so no zone file is read from ical4j's bundle and none is ever fetched.
 */
public final class DeadlineEvent {
    public static final String FILENAME = "deadline.ics";
    public static final String CONTENT_TYPE = "text/calendar; charset=UTF-8; method=PUBLISH";
    private static final DateTimeFormatter SHORT_ZONE = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);

    private final BanPolicy policy;
    private final String uidDomain;

    /** @param uidDomain the domain part of every UID: the sender's domain, so UIDs are unique beyond this system */
    public DeadlineEvent(BanPolicy policy, String uidDomain) {
        this.policy = policy;
        this.uidDomain = uidDomain;
    }

    /** Whether a notice of this stage, at {@code now}, carries the event: announcements and reminders before the deadline. */
    public boolean carries(DueNotice notice, Instant now) {
        StageKind kind = notice.stage().kind();
        return (kind == StageKind.ANNOUNCEMENT || kind == StageKind.REMINDER) && now.isBefore(policy.deadlineInstant());
    }

    /** The event for this member's notice, as the attachment; {@code now} is its DTSTAMP. */
    public Attachment attachment(DueNotice notice, CalendarWords words, Instant now) {
        return new Attachment(FILENAME, CONTENT_TYPE, ics(notice.member().id(), sequence(notice.dueAt()), words, now).getBytes(StandardCharsets.UTF_8));
    }

    String ics(String memberId, int sequence, CalendarWords words, Instant now) {
        ZonedDateTime deadline = policy.deadlineInZone();
        VEvent event = new VEvent(deadline, words.summary());
        event.replace(new DtStamp(now.truncatedTo(ChronoUnit.SECONDS)));
        event.add(new Uid(uid(memberId)));
        event.add(new Sequence(sequence));
        event.add(new Description(words.description()));
        event.add(ImmutableTransp.TRANSPARENT);
        VAlarm alarm = new VAlarm(Duration.ofDays(-1));
        alarm.replace(new Trigger(Duration.ofDays(-1)));
        alarm.add(ImmutableAction.DISPLAY);
        alarm.add(new Description(words.summary()));
        event.add(alarm);

        Calendar calendar = new Calendar();
        calendar.add(new ProdId("-//appban//" + policy.id() + "//EN"));
        calendar.add(ImmutableVersion.VERSION_2_0);
        calendar.add(ImmutableCalScale.GREGORIAN);
        calendar.add(ImmutableMethod.PUBLISH);
        calendar.add(timeZone(policy.zone(), policy.deadlineInstant()));
        calendar.add(event);
        StringWriter out = new StringWriter(2048);
        try {
            new CalendarOutputter(false).output(calendar, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The same for every notice of this ban to this member, and nothing of the member readable from it. */
    String uid(String memberId) {
        return sha256(policy.id() + "\n" + memberId).substring(0, 32) + "@" + uidDomain;
    }

    /** Days from the announcement to the notice's scheduled day: a later stage has a higher sequence. */
    int sequence(Instant dueAt) {
        long days = ChronoUnit.DAYS.between(policy.announcement(), dueAt.atZone(policy.zone()).toLocalDate());
        return (int) Math.max(0, days);
    }

    /** The zone's observances in force between a year before and a year after {@code at}. */
    static VTimeZone timeZone(ZoneId zone, Instant at) {
        VTimeZone tz = new VTimeZone();
        tz.add(new TzId(zone.getId()));
        ZoneRules rules = zone.getRules();
        Instant from = at.minus(Duration.ofDays(366));
        Instant until = at.plus(Duration.ofDays(366));
        // The observance in force at the window's start, from that start (a fixed-offset zone has only this one).
        ZoneOffsetTransition previous = rules.previousTransition(from);
        ZoneOffset offset = rules.getOffset(from);
        ZoneOffset before = previous == null ? offset : previous.getOffsetBefore();
        LocalDateTime start = previous == null ? LocalDateTime.of(1970, 1, 1, 0, 0) : previous.getDateTimeBefore();
        tz.add(observance(rules.isDaylightSavings(from), start, before, offset, shortName(zone, from)));
        for (ZoneOffsetTransition t = rules.nextTransition(from); t != null && t.getInstant().isBefore(until);
             t = rules.nextTransition(t.getInstant())) {
            Instant after = t.getInstant();
            tz.add(observance(rules.isDaylightSavings(after), t.getDateTimeBefore(), t.getOffsetBefore(), t.getOffsetAfter(),
                    shortName(zone, after)));
        }
        return tz;
    }

    private static Observance observance(boolean daylight, LocalDateTime start, ZoneOffset from, ZoneOffset to, String name) {
        Observance o = daylight ? new Daylight() : new Standard();
        o.add(new DtStart<>(start));
        o.add(new TzOffsetFrom(from));
        o.add(new TzOffsetTo(to));
        o.add(new TzName(name));
        return o;
    }

    private static String shortName(ZoneId zone, Instant at) {
        return SHORT_ZONE.format(at.atZone(zone));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the event says, in the member's language: from the template set's {@code calendar} template. */
    public record CalendarWords(String summary, String description) {
    }
}
