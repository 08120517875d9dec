package org.appban.notice;

import static org.appban.notice.Fixtures.AUCKLAND;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.domain.AppPresence;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.mail.EmlReader;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutboxIndex;
import org.appban.mail.OutboxMailer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rehearsal outbox's index.html: by day and member, every email opens in a browser, nothing unescaped. */
class OutboxIndexTest {
    @TempDir
    Path dir;
    private OutboxMailer outbox;
    private final NoticeComposer composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()),
            new MimeWriter(), LinkIssuer.none());
    private final NoticePlanner planner = new NoticePlanner(POLICY);

    @BeforeEach
    void outbox() {
        outbox = new OutboxMailer(dir.resolve("outbox"));
    }

    private ComposedNotice send(Member m, Instant at, List<org.appban.domain.Device> devices) {
        DueNotice n = planner.due(MemberSnapshot.of(m, devices, List.of()), at).due().get(0);
        ComposedNotice c = composer.compose(n, at);
        outbox.send(c.mail());
        return c;
    }

    @Test
    void lists_emails_by_day_and_member_linking_each_to_a_browser_view_of_its_html_part() throws Exception {
        Member aroha = Member.active("m-001", "Aroha Tūhoe", "aroha@example.org", Role.MEMBER);
        Member sean = Member.active("m-002", "Sean O'Brien", "sean@example.org", Role.STAFF);
        var iphone = List.of(corporate("d-1", "m-001", Platform.IOS, "iPhone 14", AppPresence.PRESENT));
        ComposedNotice first = send(sean, nz("2023-03-17T09:00:02"), List.of());
        send(aroha, nz("2023-03-17T09:00:01"), iphone);
        send(aroha, nz("2023-03-24T09:00:01"), iphone);

        Path index = new OutboxIndex(AUCKLAND, "Rehearsal: " + POLICY.title()).write(outbox.folder(), outbox.entries());
        String html = Files.readString(index);

        int day1 = html.indexOf("Friday 17 March 2023");
        int day2 = html.indexOf("Friday 24 March 2023");
        assertTrue(day1 > 0 && day2 > day1, "days in order");
        assertTrue(html.indexOf("m-001") > day1 && html.indexOf("m-002") > html.indexOf("m-001"), "members in order within a day");
        assertTrue(html.contains("Sean O&#39;Brien"));
        assertTrue(html.contains("Aroha Tūhoe"));
        assertTrue(html.contains("09:00:01 NZDT"));
        assertTrue(html.contains("3 emails on 2 days"));
        assertTrue(html.contains("announcement: 2. reminder: 1."));

        Matcher links = Pattern.compile("href=\"([^\"]+\\.html)\">([^<]+)</a>").matcher(html);
        int count = 0;
        while (links.find()) {
            count++;
            Path view = outbox.folder().resolve(links.group(1));
            assertTrue(Files.isRegularFile(view), view.toString());
            assertTrue(Files.readString(view).contains("Kia ora"));
        }
        assertEquals(3, count);
        String seanView = Files.readString(outbox.folder().resolve("00001-announcement-m-002.html"));
        assertEquals(first.rendered().html().replace("\r\n", "\n"), seanView, "the HTML part exactly as sent");
    }

    @Test
    void names_and_subjects_crafted_as_markup_are_shown_as_text() throws Exception {
        send(Member.active("m-<x>", "<script>alert('x')</script> & \"co\"", "x@example.org", Role.STAFF), nz("2023-03-17T09:00"), List.of());
        String html = Files.readString(new OutboxIndex(AUCKLAND, "<b>title</b>").write(outbox.folder(), outbox.entries()));
        assertFalse(html.contains("<script>"));
        assertFalse(html.contains("<b>title"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
        assertTrue(html.contains("m-&lt;x&gt;"));
    }

    @Test
    void given_send_instants_win_over_the_date_header() throws Exception {
        send(Member.active("m-1", "A", "a@example.org", Role.STAFF), nz("2023-03-17T09:00"), List.of());
        String html = Files.readString(new OutboxIndex(AUCKLAND, "t").write(outbox.folder(), outbox.entries(), e -> nz("2023-03-18T10:30")));
        assertTrue(html.contains("Saturday 18 March 2023"));
        assertTrue(html.contains("10:30:00 NZDT"));
    }

    @Test
    void the_eml_reader_gives_back_subject_and_both_parts_as_composed() {
        ComposedNotice c = composer.compose(planner.due(MemberSnapshot.of(Member.active("m-1", "Aroha Tūhoe", "a@example.org", Role.MEMBER),
                List.of(), List.of()), nz("2023-03-17T09:00")).due().get(0), nz("2023-03-17T09:00"));
        EmlReader.Message m = EmlReader.read(c.mail().mime().bytes());
        assertEquals(c.rendered().subject(), m.subject());
        assertEquals(c.rendered().text().replace("\r\n", "\n"), m.text());
        assertEquals(c.rendered().html().replace("\r\n", "\n"), m.html());
        assertTrue(m.header("to").contains("Aroha Tūhoe") && m.header("to").endsWith("<a@example.org>"), m.header("to"));
        assertEquals(nz("2023-03-17T09:00"), m.date().toInstant());
    }
}
