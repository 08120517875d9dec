package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.personal;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Properties;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.component.VTimeZone;
import net.fortuna.ical4j.model.property.DtStart;
import org.appban.domain.ComplianceState;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.mail.Attachment;
import org.appban.mail.EmlReader;
import org.appban.mail.MimeWriter;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;

/**
 * The announcement and the reminders carry the deadline as a calendar event: one VEVENT at the deadline in the
 * policy's zone, with that zone's VTIMEZONE, the same UID in every notice to a member so the reminder updates the
 * announcement's event, parsed back with ical4j and the message with Angus Mail.
 */
class DeadlineEventTest {
    private static final NoticeComposer COMPOSER = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()),
            new MimeWriter(), LinkIssuer.none(), true);
    private final NoticePlanner planner = new NoticePlanner(POLICY);

    /**
     * The first notice of {@code kind} due to the member, going day by day from the announcement at 09:00 as the
     * daily run does, each notice due on the way counted as sent; the member has a private phone the MDM reports carrying the app.
     */
    private ComposedNotice first(Member m, StageKind kind) {
        Set<String> sent = new HashSet<>();
        for (int day = 0; day < 30; day++) {
            Instant at = nz("2023-03-17T09:00").plus(Duration.ofDays(day));
            for (DueNotice due : planner.due(MemberSnapshot.of(m, List.of(personal("d-" + m.id(), m.id(), Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT)), List.of()).withSent(sent), at).due()) {
                if (due.stage().kind() == kind) return COMPOSER.compose(due, at);
                sent.add(due.stage().id());
            }
        }
        throw new AssertionError("no " + kind + " notice");
    }

    private static MimeMessage parse(ComposedNotice c) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(c.mail().mime().bytes()));
    }

    private static Calendar calendarOf(ComposedNotice c) throws Exception {
        Attachment ics = EmlReader.read(c.mail().mime().bytes()).attachment(DeadlineEvent.FILENAME).orElseThrow();
        Calendar cal = new CalendarBuilder().build(new StringReader(new String(ics.content(), StandardCharsets.UTF_8)));
        cal.validate();
        return cal;
    }

    private static VEvent event(Calendar cal) {
        List<VEvent> events = cal.getComponents(Component.VEVENT);
        assertEquals(1, events.size());
        return events.get(0);
    }

    private static String value(net.fortuna.ical4j.model.PropertyContainer c, String property) {
        return c.getProperty(property).orElseThrow(() -> new AssertionError("no " + property)).getValue();
    }

    @Test
    void the_announcement_is_a_mixed_message_around_the_alternative_parts_and_the_ics() throws Exception {
        MimeMessage m = parse(first(member("m-1"), StageKind.ANNOUNCEMENT));
        assertTrue(m.getContentType().startsWith("multipart/mixed"), m.getContentType());
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        assertEquals(2, mixed.getCount());
        BodyPart alternative = mixed.getBodyPart(0);
        assertTrue(alternative.getContentType().startsWith("multipart/alternative"), alternative.getContentType());
        MimeMultipart parts = (MimeMultipart) alternative.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(parts.getBodyPart(0).getContentType().startsWith("text/plain"));
        assertTrue(parts.getBodyPart(1).getContentType().startsWith("text/html"));
        assertTrue(((String) parts.getBodyPart(0).getContent()).contains("must be gone from every device"));

        BodyPart ics = mixed.getBodyPart(1);
        assertTrue(ics.getContentType().startsWith("text/calendar"), ics.getContentType());
        assertTrue(ics.getContentType().contains("method=PUBLISH"), ics.getContentType());
        assertEquals(Part.ATTACHMENT, ics.getDisposition());
        assertEquals("deadline.ics", ics.getFileName());
        String text = new String(ics.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("BEGIN:VCALENDAR\r\n"), text);
        for (String line : text.split("\r\n")) assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 75, "folded: " + line);
    }

    @Test
    void the_event_is_at_the_deadline_in_the_policy_zone_with_its_vtimezone() throws Exception {
        Calendar cal = calendarOf(first(member("m-1"), StageKind.ANNOUNCEMENT));
        assertEquals("PUBLISH", value(cal, "METHOD"));
        assertEquals("2.0", value(cal, "VERSION"));
        VEvent event = event(cal);
        DtStart<?> start = event.getDateTimeStart();
        assertEquals("20230331T000000", start.getValue());
        assertEquals("Pacific/Auckland", start.getParameter("TZID").orElseThrow().getValue());
        assertEquals(Instant.parse("2023-03-30T11:00:00Z"), Instant.from(start.getDate()));

        List<VTimeZone> zones = cal.getComponents(Component.VTIMEZONE);
        assertEquals(1, zones.size());
        VTimeZone tz = zones.get(0);
        assertEquals("Pacific/Auckland", value(tz, "TZID"));
        // The observance in force at the deadline: NZDT, +13:00, which ends on Sunday 2 April 2023 at 03:00 NZDT.
        assertEquals("+1300", tz.getApplicableObservance(start.getDate()).getRequiredProperty("TZOFFSETTO").getValue());
        assertTrue(tz.getObservances().stream().anyMatch(o -> value(o, "DTSTART").equals("20230402T030000")
                && value(o, "TZOFFSETTO").equals("+1200") && value(o, "TZNAME").equals("NZST")), tz.toString());
        assertTrue(value(event, "SUMMARY").contains("TikTok"), value(event, "SUMMARY"));
        assertTrue(value(event, "DESCRIPTION").contains("Friday 31 March 2023, 12:00 am NZDT"), value(event, "DESCRIPTION"));
        assertEquals("-P1D", value(event.getAlarms().get(0), "TRIGGER"));
    }

    @Test
    void a_reminder_updates_the_same_event_with_a_higher_sequence() throws Exception {
        Member m = member("m-1");
        VEvent announced = event(calendarOf(first(m, StageKind.ANNOUNCEMENT)));
        VEvent reminded = event(calendarOf(first(m, StageKind.REMINDER)));
        assertEquals(value(announced, "UID"), value(reminded, "UID"));
        assertTrue(Integer.parseInt(value(reminded, "SEQUENCE")) > Integer.parseInt(value(announced, "SEQUENCE")));
        assertEquals(value(announced, "DTSTART"), value(reminded, "DTSTART"));
    }

    @Test
    void the_same_notice_composed_again_carries_the_same_event_revision() throws Exception {
        VEvent once = event(calendarOf(first(member("m-1"), StageKind.ANNOUNCEMENT)));
        VEvent again = event(calendarOf(first(member("m-1"), StageKind.ANNOUNCEMENT)));
        assertEquals(value(once, "UID"), value(again, "UID"));
        assertEquals(value(once, "SEQUENCE"), value(again, "SEQUENCE"));
    }

    @Test
    void each_member_has_their_own_uid_which_says_nothing_about_them() throws Exception {
        String a = value(event(calendarOf(first(member("m-1"), StageKind.ANNOUNCEMENT))), "UID");
        String b = value(event(calendarOf(first(member("m-2"), StageKind.ANNOUNCEMENT))), "UID");
        assertNotEquals(a, b);
        assertFalse(a.contains("m-1") || a.contains("example.org") || a.contains("Aroha"), a);
        assertTrue(a.endsWith("@parliament.govt.nz"), a);
    }

    @Test
    void the_deadline_day_and_later_notices_carry_no_event() throws Exception {
        for (StageKind kind : List.of(StageKind.DEADLINE, StageKind.OVERDUE)) {
            ComposedNotice c = first(member("m-1"), kind);
            assertTrue(EmlReader.read(c.mail().mime().bytes()).attachments().isEmpty(), kind.toString());
            assertTrue(parse(c).getContentType().startsWith("multipart/alternative"), kind.toString());
        }
    }

    @Test
    void a_zone_with_a_spring_change_after_the_deadline_gets_it_in_its_vtimezone() throws Exception {
        ZoneId london = ZoneId.of("Europe/London");
        Instant deadline = LocalDateTime.parse("2025-03-31T09:00").atZone(london).toInstant();
        VTimeZone tz = DeadlineEvent.timeZone(london, deadline);
        assertEquals("Europe/London", value(tz, "TZID"));
        assertTrue(tz.getObservances().stream().anyMatch(o -> value(o, "DTSTART").equals("20250330T010000")
                && value(o, "TZOFFSETTO").equals("+0100") && value(o, "TZNAME").equals("BST")), tz.toString());
        assertEquals("+0100", tz.getApplicableObservance(ZonedDateTime.ofInstant(deadline, london))
                .getRequiredProperty("TZOFFSETTO").getValue());
    }

    @Test
    void a_zone_without_changes_has_one_observance() {
        VTimeZone tz = DeadlineEvent.timeZone(ZoneId.of("Asia/Kolkata"), Instant.parse("2025-06-01T00:00:00Z"));
        assertEquals(1, tz.getObservances().size());
        assertEquals("+0530", value(tz.getObservances().get(0), "TZOFFSETTO"));
    }
}
