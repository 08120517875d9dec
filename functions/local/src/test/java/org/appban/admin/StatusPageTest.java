package org.appban.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusPageTest {
    private final AdminWorld world = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
            new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();

    @Test
    void the_page_is_one_self_contained_file_with_a_row_per_member(@TempDir Path out) throws Exception {
        Path file = StatusPage.write(out, world.administration.snapshot(world.clock.instant()),
                NetworkAccessLookup.fromLedger(Map.of("network.quarantined", "quarantined")));
        assertEquals(out.resolve("status.html"), file);
        String html = Files.readString(file);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("src=") || html.contains("href="), "no external resources");
        assertEquals(3, html.split("<th scope=\"row\"><span class=\"name\">", -1).length - 1, "one row per member");
        assertTrue(html.contains("Aroha Tūhoe"));
        assertTrue(html.contains("Ben O&#39;Connor"), "names are escaped");
        assertTrue(html.contains("state-app-present\">app-present</span> iPhone 14 (iOS, corporate) <code>d-101</code>"));
        assertTrue(html.contains("exempt until Fri 30 Jun 2023 17:00 NZST (ex-example-granted)"), "times in the policy zone");
        assertTrue(html.contains("announcement <small>17 Mar 2023</small>"));
        assertTrue(html.contains("<span class=\"badge access-managed\">managed</span>"));
    }

    @Test
    void the_kinds_of_notice_the_policy_sends_none_of_are_shown_as_its_choice() {
        StatusReport r = new CampaignStatus(NetworkAccessLookup.unknown()).build(world.administration.snapshot(world.clock.instant()));
        StatusPage page = new StatusPage(world.administration.snapshot(world.clock.instant()).policy().zone());
        assertFalse(page.render(r).contains("Notices this ban does not send"), "the bundled policy sends every kind");
        StatusReport silent = new StatusReport(r.policy(), r.title(), r.at(), r.deadline(), r.privateGraceEnds(), r.totals(), r.members(),
                java.util.List.of("access-restored", "exemption-expiring"));
        assertTrue(page.render(silent).contains("<h2>Notices this ban does not send</h2><p>access-restored, exemption-expiring</p>"));
    }

    @Test
    void whatever_people_typed_is_escaped() {
        world.members.save(Member.active("m-666", "<script>alert('x')</script> & co", "x@parliament.govt.nz", Role.STAFF));
        String html = new StatusPage(world.administration.snapshot(world.clock.instant()).policy().zone())
                .render(new CampaignStatus(NetworkAccessLookup.unknown()).build(world.administration.snapshot(world.clock.instant())));
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    }

    @Test
    void devicesAndExemptionReasonsAreEscapedToo() {
        String evil = "<img src=x onerror=alert(1)>";
        world.devices.save(org.appban.exemption.ExemptionFixtures.personal("d-" + evil, "m-001", org.appban.domain.ComplianceState.NONCOMPLIANT));
        world.exemptions.create(new org.appban.domain.Exemption("ex-" + evil, "m-001", "d-" + evil, "because " + evil,
                org.appban.domain.ExemptionStatus.REQUESTED, "m-001", world.clock.instant(), null, null, null, null, null));
        String html = new StatusPage(world.administration.snapshot(world.clock.instant()).policy().zone())
                .render(new CampaignStatus(NetworkAccessLookup.unknown()).build(world.administration.snapshot(world.clock.instant())));
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains("<code>d-&lt;img src=x onerror=alert(1)&gt;</code>"), "the device id");
        assertTrue(html.contains("<small class=\"reason\">because &lt;img src=x onerror=alert(1)&gt;</small>"), "the reason");
    }
}
