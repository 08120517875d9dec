package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.granted;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.policy.NoticeStage;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoticeRendererTest {
    private static final NoticeRenderer RENDERER = new NoticeRenderer(POLICY, TemplateSet.bundled());
    private static final NoticeLinks LINKS = new NoticeLinks("https://appban.example.org/exempt?t=abc&m=1",
            "https://appban.example.org/attest?t=xyz");
    private final NoticePlanner planner = new NoticePlanner(POLICY);
    private final Device iphone = corporate("d-1", "m-1", Platform.IOS, "iPhone 14", AppPresence.PRESENT);
    private final Device pixel = personal("d-3", "m-1", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT);

    private RenderedNotice scheduled(Member m, Instant now, Device... devices) {
        DueNotice n = planner.due(MemberSnapshot.of(m, List.of(devices), List.of()), now).due().get(0);
        return RENDERER.render(n, LINKS, now);
    }

    @Test
    void the_announcement_subject_gives_the_deadline_as_people_write_it() {
        RenderedNotice r = scheduled(member("m-1"), nz("2023-03-17T09:00"), iphone);
        assertEquals("TikTok must be removed from your devices by Friday 31 March 2023, 12:00 am NZDT", r.subject());
    }

    @Test
    void each_device_is_listed_with_what_happens_to_it_and_when() {
        RenderedNotice r = scheduled(member("m-1"), nz("2023-03-17T09:00"), iphone, pixel);
        assertTrue(r.html().contains("<strong>iPhone 14</strong> (iOS, corporate)"), r.html());
        assertTrue(r.text().contains("* iPhone 14 (iOS, corporate):"), r.text());
        assertTrue(r.html().contains("<strong>Pixel 7</strong> (Android, private)"), r.html());
        assertTrue(r.text().contains("* Pixel 7 (Android, private):"), r.text());
        for (String part : List.of(r.html(), r.text())) {
            assertTrue(part.contains("It will be removed automatically on Friday 31 March 2023, 12:00 am NZDT"), part);
            assertTrue(part.contains("if it is still there on Friday 7 April 2023, 12:00 am NZST, this device loses access"), part);
        }
    }

    @Test
    void removal_steps_are_those_for_the_platforms_that_need_them() {
        RenderedNotice r = scheduled(member("m-1"), nz("2023-03-17T09:00"), pixel);
        assertTrue(r.text().contains("- Android: open Settings"));
        assertFalse(r.text().contains("iPhone or iPad:"));
        assertFalse(r.text().contains("Other devices:"));
    }

    @Test
    void a_member_with_no_known_device_is_asked_to_confirm_and_given_every_platforms_steps() {
        RenderedNotice r = scheduled(member("m-1"), nz("2023-03-17T09:00"));
        assertTrue(r.text().contains("PLEASE CHECK any private device"));
        assertTrue(r.text().contains("iPhone or iPad:") && r.text().contains("Android:") && r.text().contains("Other devices:"));
        assertTrue(r.text().contains("https://appban.example.org/attest?t=xyz"));
    }

    @Test
    void names_are_escaped_in_html_and_left_alone_in_text() {
        Member m = Member.active("m-2", "O'Brien <b>&", "obrien@example.org", Role.STAFF);
        RenderedNotice r = scheduled(m, nz("2023-03-17T09:00"), iphone);
        assertTrue(r.html().contains("Kia ora O&#39;Brien &lt;b&gt;&amp;,"), r.html());
        assertFalse(r.html().contains("<b>&"));
        assertTrue(r.text().contains("Kia ora O'Brien <b>&,"));
    }

    @Test
    void a_name_with_line_breaks_stays_on_one_line_in_the_body() {
        Member m = Member.active("m-3", "Evil\r\nBcc: x@y.z", "evil@example.org", Role.STAFF);
        RenderedNotice r = scheduled(m, nz("2023-03-17T09:00"), iphone);
        assertTrue(r.text().contains("Kia ora Evil Bcc: x@y.z,"), r.text());
        assertTrue(r.html().contains("Kia ora Evil Bcc: x@y.z,"));
    }

    @Test
    void macrons_render_as_themselves() {
        RenderedNotice r = scheduled(member("m-1"), nz("2023-03-17T09:00"), iphone);
        assertTrue(r.html().contains("Kia ora Aroha Tūhoe,"));
        assertTrue(r.text().contains("Kia ora Aroha Tūhoe,"));
    }

    @Test
    void the_html_loads_nothing_remote_and_links_only_to_https_and_mail() {
        RenderedNotice r = scheduled(member("m-1"), nz("2023-03-17T09:00"), iphone, pixel);
        String html = r.html().toLowerCase();
        assertFalse(html.contains("<img"), "no images, so no tracking pixels");
        assertFalse(html.contains("src="));
        assertFalse(html.contains("url("));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("<script"));
        Matcher hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(r.html());
        int n = 0;
        while (hrefs.find()) {
            n++;
            assertTrue(hrefs.group(1).startsWith("https://") || hrefs.group(1).startsWith("mailto:"), hrefs.group(1));
        }
        assertEquals(3, n, "exemption link, attestation link, contact");
        assertTrue(r.html().contains("href=\"https://appban.example.org/exempt?t&#x3D;abc&amp;m&#x3D;1\""), r.html());
    }

    @Test
    void without_links_the_member_is_told_to_write_instead() {
        DueNotice n = planner.due(MemberSnapshot.of(member("m-1"), List.of(pixel), List.of()), nz("2023-03-17T09:00")).due().get(0);
        RenderedNotice r = RENDERER.render(n, NoticeLinks.NONE, nz("2023-03-17T09:00"));
        assertTrue(r.text().contains("please confirm it by replying to servicedesk@parliament.govt.nz"));
        assertFalse(r.text().contains("Ask for an exemption:"));
    }

    @Test
    void an_exempt_device_is_named_as_exempt_with_its_expiry() {
        Exemption e = granted("x-1", "m-1", "d-1", nz("2023-09-30T00:00"));
        MemberSnapshot s = new MemberSnapshot(member("m-1"), List.of(iphone), List.of(e), Set.of(), null);
        DueNotice n = planner.due(s, nz("2023-03-20T09:00")).due().get(0);
        RenderedNotice r = RENDERER.render(n, LINKS, nz("2023-03-20T09:00"));
        assertTrue(r.text().contains("Exempt until Saturday 30 September 2023, 12:00 am NZDT"), r.text());
        assertFalse(r.text().contains("will be removed automatically on"));
    }

    @Test
    void the_overdue_notice_says_when_access_will_be_cut() {
        MemberSnapshot s = MemberSnapshot.of(member("m-1"), List.of(pixel), List.of())
                .withSent(Set.of("announcement", "reminder-7d", "reminder-2d", "deadline"));
        DueNotice n = planner.due(s, nz("2023-04-03T09:00")).due().get(0);
        RenderedNotice r = RENDERER.render(n, LINKS, nz("2023-04-03T09:00"));
        assertEquals("Action needed: TikTok is still on your device", r.subject());
        assertTrue(r.text().contains("Unless you remove it, that device loses access to the network on Friday 7 April 2023, 12:00 am NZST."));
    }

    @Test
    void every_stage_of_the_bundled_policy_renders() {
        Exemption e = granted("x-1", "m-1", "d-1", nz("2023-09-30T00:00"));
        MemberSnapshot s = new MemberSnapshot(member("m-1"), List.of(iphone, pixel), List.of(e), Set.of(), null);
        for (NoticeStage stage : POLICY.notices().stages()) {
            DueNotice n;
            if (stage.kind().isScheduled()) {
                n = new DueNotice(s.member(), stage, nz("2023-03-17T09:00"), MemberStanding.ACTION_NEEDED,
                        planner.assess(s, nz("2023-03-17T09:00")).lines(), null, null, null);
            } else {
                boolean aboutExemption = stage.kind().name().startsWith("EXEMPTION");
                NoticeRequest req = new NoticeRequest(stage.kind(), "m-1", aboutExemption ? null : "d-3",
                        aboutExemption ? "x-1" : null, nz("2023-04-07T09:05"), "o-1");
                n = planner.requested(s, req, nz("2023-04-07T09:06")).due().get(0);
            }
            RenderedNotice r = RENDERER.render(n, LINKS, nz("2023-04-07T09:06"));
            assertFalse(r.subject().isBlank(), stage.id());
            assertFalse(r.text().contains("{{"), stage.id());
            assertFalse(r.text().contains("&amp;") || r.text().contains("&#"), stage.id() + ": no HTML entities in text");
            assertTrue(r.html().contains("</html>"), stage.id());
            if (stage.kind() == StageKind.EXEMPTION_GRANTED) {
                assertEquals("Your TikTok exemption is granted until Saturday 30 September 2023, 12:00 am NZDT", r.subject());
                assertTrue(r.text().contains("for your iPhone 14 (iOS, corporate)."), r.text());
            }
            if (stage.kind() == StageKind.ACCESS_REVOKED) {
                assertTrue(r.text().startsWith(POLICY.organisation()), r.text());
                assertTrue(r.text().contains("Your Pixel 7 (Android, private) lost access to the network on Friday 7 April 2023, 9:05 am NZST"), r.text());
            }
        }
    }

    @Test
    void a_missing_template_is_named_when_the_renderer_is_built(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("templates.properties"), "locale=en-NZ\ndateTimePattern=d MMM\ndatePattern=d MMM\n");
        Files.writeString(dir.resolve("layout.html.mustache"), "{{{body}}}");
        Files.writeString(dir.resolve("layout.txt.mustache"), "{{{body}}}");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new NoticeRenderer(POLICY, TemplateSet.directory(dir)));
        assertTrue(e.getMessage().contains("announcement.html.mustache"), e.getMessage());
    }

    @Test
    void a_template_naming_a_value_the_model_lacks_fails_when_the_templates_load(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("templates.properties"), "locale=en-NZ\ndateTimePattern=d MMM\ndatePattern=d MMM\n");
        Files.writeString(dir.resolve("layout.html.mustache"), "{{{body}}}");
        Files.writeString(dir.resolve("layout.txt.mustache"), "{{{body}}}");
        for (StageKind k : StageKind.values()) {
            Files.writeString(dir.resolve(k.wireName() + ".html.mustache"), "{{#devices}}{{label}}{{/devices}} {{deadlineTxet}}");
            Files.writeString(dir.resolve(k.wireName() + ".txt.mustache"), "ok");
        }
        Files.writeString(dir.resolve("calendar.txt.mustache"), "ok");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new NoticeRenderer(POLICY, TemplateSet.directory(dir)));
        assertTrue(e.getMessage().contains("deadlineTxet") && e.getMessage().contains(".html.mustache"), e.getMessage());
        assertFalse(e.getMessage().contains("[label"), "a device's keys are known inside devices: " + e.getMessage());
    }

    @Test
    void a_subject_naming_a_value_the_model_lacks_is_named_with_its_stage() {
        org.appban.policy.BanPolicy p = POLICY;
        List<NoticeStage> stages = new java.util.ArrayList<>(p.notices().stages());
        stages.set(0, new NoticeStage(stages.get(0).id(), stages.get(0).kind(), 0, "Remove {{appName}} by {{deadlineDate}}"));
        org.appban.policy.BanPolicy broken = new org.appban.policy.BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(),
                p.announcement(), p.deadline(), new org.appban.policy.BanPolicy.Notices(p.notices().sendTime(),
                p.notices().weekendDaysBeforeDeadline(), p.notices().holidays(), stages), p.privateDevices(), p.enforcement(),
                p.exemptions(), p.sender(), p.contact());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new NoticeRenderer(broken, TemplateSet.bundled()));
        assertTrue(e.getMessage().contains("notices.stages[announcement].subject") && e.getMessage().contains("deadlineDate"), e.getMessage());
    }

    @Test
    void links_must_be_https() {
        assertThrows(IllegalArgumentException.class, () -> new NoticeLinks("javascript:alert(1)", null));
        assertThrows(IllegalArgumentException.class, () -> new NoticeLinks(null, "http://example.org/a"));
    }
}
