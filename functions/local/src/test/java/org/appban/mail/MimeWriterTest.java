package org.appban.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every message is parsed back with Eclipse Angus Mail, an independent implementation of the standards. */
class MimeWriterTest {
    private static final ZonedDateTime WHEN = ZonedDateTime.of(2023, 3, 31, 9, 0, 0, 0, ZoneId.of("Pacific/Auckland"));
    private static final Mailbox SENDER = Mailbox.of("Parliamentary Service ICT Security", "ict-security@parliament.govt.nz");
    private final MimeWriter writer = new MimeWriter();

    private static Email email(String toName, String subject, String text, String html) {
        return new Email(SENDER, Mailbox.of(toName, "member@example.org"), EmailAddress.of("servicedesk@parliament.govt.nz"),
                subject, text, html, WHEN, MessageIds.forKey("notice/p/m-1/announcement", "parliament.govt.nz"));
    }

    private static MimeMessage parse(MimeEmail mime) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime.bytes()));
    }

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    private static List<String> headerNames(MimeMessage m) throws Exception {
        List<String> names = new ArrayList<>();
        for (Header h : Collections.list(m.getAllHeaders())) names.add(h.getName());
        return names;
    }

    @Test
    void is_a_multipart_alternative_with_text_then_html_both_utf8() throws Exception {
        MimeMessage m = parse(writer.write(email("Aroha", "Hello", "Kia ora\nline two", "<p>Kia ora</p>")));
        assertTrue(m.getContentType().startsWith("multipart/alternative"));
        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertEquals(2, mp.getCount());
        BodyPart text = mp.getBodyPart(0);
        BodyPart html = mp.getBodyPart(1);
        assertTrue(text.isMimeType("text/plain"));
        assertTrue(html.isMimeType("text/html"));
        assertEquals("UTF-8", new jakarta.mail.internet.ContentType(text.getContentType()).getParameter("charset"));
        assertEquals("Kia ora\r\nline two", text.getContent());
        assertEquals("<p>Kia ora</p>", html.getContent());
    }

    @Test
    void carries_date_message_id_sender_reply_to_and_marks_itself_automatic() throws Exception {
        MimeEmail mime = writer.write(email("Aroha", "Hello", "t", "h"));
        MimeMessage m = parse(mime);
        assertEquals(WHEN.toInstant(), m.getSentDate().toInstant());
        assertEquals("Fri, 31 Mar 2023 09:00:00 +1300", m.getHeader("Date", null));
        assertEquals("<" + mime.messageId() + ">", m.getMessageID());
        assertTrue(mime.messageId().endsWith("@parliament.govt.nz"));
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        assertEquals("ict-security@parliament.govt.nz", from.getAddress());
        assertEquals("Parliamentary Service ICT Security", from.getPersonal());
        assertEquals("servicedesk@parliament.govt.nz", ((InternetAddress) m.getReplyTo()[0]).getAddress());
        assertEquals("auto-generated", m.getHeader("Auto-Submitted", null));
    }

    @Test
    void the_same_notice_key_gives_the_same_message_id() {
        assertEquals(MessageIds.forKey("k", "example.org"), MessageIds.forKey("k", "example.org"));
        assertFalse(MessageIds.forKey("k", "example.org").equals(MessageIds.forKey("k2", "example.org")));
    }

    @Test
    void names_and_subjects_with_macrons_come_back_unchanged() throws Exception {
        String subject = "Kia ora Tūhoe: TikTok must be removed by Friday 31 March 2023, 12:00 am NZDT — āēīōū ĀĒĪŌŪ";
        MimeMessage m = parse(writer.write(email("Aroha Tūhoe", subject, "Tēnā koe Tūhoe", "<p>Tēnā koe Tūhoe</p>")));
        assertEquals(subject, m.getSubject());
        assertEquals("Aroha Tūhoe", ((InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal());
        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertEquals("Tēnā koe Tūhoe", mp.getBodyPart(0).getContent());
        assertEquals("<p>Tēnā koe Tūhoe</p>", mp.getBodyPart(1).getContent());
    }

    @Test
    void a_name_with_html_and_mail_specials_comes_back_unchanged() throws Exception {
        MimeMessage m = parse(writer.write(email("O'Brien <b>&", "s", "t", "h")));
        InternetAddress to = (InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0];
        assertEquals("O'Brien <b>&", to.getPersonal());
        assertEquals("member@example.org", to.getAddress());
    }

    @Test
    void a_line_break_in_a_name_cannot_add_a_header() throws Exception {
        MimeEmail mime = writer.write(email("Evil\r\nBcc: x@y.z", "s", "t", "h"));
        MimeMessage m = parse(mime);
        assertNull(m.getHeader("Bcc"));
        Address[] to = m.getRecipients(MimeMessage.RecipientType.TO);
        assertEquals(1, to.length);
        assertEquals("Evil Bcc: x@y.z", ((InternetAddress) to[0]).getPersonal());
        assertEquals("member@example.org", ((InternetAddress) to[0]).getAddress());
        assertEquals(List.of("Date", "From", "To", "Reply-To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted",
                "X-Auto-Response-Suppress", "Content-Type"), headerNames(m));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hi\r\nBcc: x@y.z", "Hi\nBcc: x@y.z", "Hi\rBcc: x@y.z", "Hi\u0000\u0085Bcc: x@y.z", "Hi\u2028Bcc: x@y.z"})
    void a_line_break_or_control_character_in_a_subject_cannot_add_a_header(String subject) throws Exception {
        MimeMessage m = parse(writer.write(email("Aroha", subject, "t", "h")));
        assertNull(m.getHeader("Bcc"));
        assertEquals("Hi Bcc: x@y.z", m.getSubject());
        assertEquals(1, m.getHeader("Subject").length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b.c\r\nBcc: x@y.z", "a@b.c\nBcc:x@y.z", "a b@c.d", "a@b", "@b.c", "a@", "a@b..c",
            "\"a\"@b.c", "a@-b.c", "tūhoe@example.org", "a@b.c>", "<a@b.c>", "a@b.c,d@e.f", ".a@b.c", "a.@b.c", ""})
    void an_address_that_is_not_a_plain_mailbox_is_refused(String address) {
        EmailAddress.InvalidAddressException e = assertThrows(EmailAddress.InvalidAddressException.class, () -> EmailAddress.of(address));
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "the error can be logged on one line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b.co", "o'brien@example.org", "first.last+tag@sub.example.org", "A_B-c@EXAMPLE.ORG"})
    void plain_mailboxes_are_accepted(String address) {
        assertEquals(address, EmailAddress.of(address).value());
    }

    @Test
    void every_line_is_ascii_crlf_terminated_and_within_the_limits() throws Exception {
        String longWord = "x".repeat(300);
        String text = "Tūhoe ".repeat(80) + "\n" + longWord + "\n.starts with a dot\nFrom the start\ntrailing space   \n\ttab=equals=";
        MimeEmail mime = writer.write(email("Aroha Tūhoe ".repeat(8), "Tūhoe ".repeat(40), text, "<p>" + text + "</p>"));
        byte[] bytes = mime.bytes();
        for (int i = 0; i < bytes.length; i++) {
            assertTrue(bytes[i] > 0 && bytes[i] < 0x7f, "byte " + i + " is not 7-bit ASCII");
            if (bytes[i] == '\n') assertEquals('\r', bytes[i - 1], "bare LF at " + i);
            if (bytes[i] == '\r') assertEquals('\n', bytes[i + 1], "bare CR at " + i);
        }
        String raw = new String(bytes, StandardCharsets.US_ASCII);
        int bodyStart = raw.indexOf("\r\n\r\n");
        for (String line : raw.substring(0, bodyStart).split("\r\n")) assertTrue(line.length() <= 78, "header line: " + line);
        for (String line : raw.substring(bodyStart).split("\r\n")) assertTrue(line.length() <= 76, "body line: " + line);
        MimeMessage m = parse(mime);
        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertEquals(crlf(text), mp.getBodyPart(0).getContent());
        assertEquals("Tūhoe ".repeat(40).trim(), m.getSubject());
        assertTrue(raw.contains("\r\n=2Estarts with a dot"));
        assertTrue(raw.contains("\r\n=46rom the start"));
    }

    @Test
    void random_unicode_names_subjects_and_bodies_survive_the_round_trip() throws Exception {
        Random random = new Random(31032023);
        int[] ranges = {0x20, 0x7e, 0xa0, 0x17f, 0x100, 0x24f, 0x4e00, 0x4fff, 0x1f600, 0x1f64f};
        for (int run = 0; run < 300; run++) {
            String name = randomText(random, ranges, 1 + random.nextInt(60));
            String subject = randomText(random, ranges, 1 + random.nextInt(120));
            String body = randomText(random, ranges, random.nextInt(400)).replace('\u2028', ' ');
            MimeMessage m = parse(writer.write(email(name, subject, body, body)));
            assertEquals(HeaderText.clean(name), ((InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal(), "name " + name);
            assertEquals(HeaderText.clean(subject), m.getSubject(), "subject");
            assertEquals(body, ((MimeMultipart) m.getContent()).getBodyPart(1).getContent(), "body");
            assertArrayEquals(new String[] {"member@example.org"}, java.util.Arrays.stream(m.getRecipients(MimeMessage.RecipientType.TO))
                    .map(a -> ((InternetAddress) a).getAddress()).toArray(String[]::new));
        }
    }

    private static String randomText(Random random, int[] ranges, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int r = random.nextInt(ranges.length / 2) * 2;
            int cp = ranges[r] + random.nextInt(ranges[r + 1] - ranges[r] + 1);
            if (random.nextInt(12) == 0) cp = ' ';
            if (random.nextInt(40) == 0) cp = "\"\\<>()@,;:=?".charAt(random.nextInt(12));
            b.appendCodePoint(cp);
        }
        return b.toString();
    }
}
