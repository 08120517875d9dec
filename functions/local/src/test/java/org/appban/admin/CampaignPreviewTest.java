package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appban.admin.preview.CampaignPreview;
import org.appban.admin.preview.PreviewItem;
import org.appban.admin.preview.PreviewReport;
import org.appban.admin.preview.Previewer;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.exemption.ExemptionFixtures;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/** "Who will lose access when": the preview over the example world, before and after exemption decisions. */
class CampaignPreviewTest {
    private final AdminWorld world = new AdminWorld(new InMemoryMemberStore(), new InMemoryDeviceStore(), new InMemoryExemptionStore(),
            new InMemoryLedger(), new InMemoryKillSwitch(), new InMemoryReports()).seed();
    private final CampaignPreview preview = CampaignPreview.standard(ExemptionFixtures.POLICY);

    private PreviewReport over(int days) {
        Instant now = world.clock.instant();
        return preview.preview(world.administration.snapshot(now), now, now.plus(Duration.ofDays(days)));
    }

    private static List<String> lines(List<PreviewItem> items) {
        return items.stream().map(i -> i.at() + " " + i.function() + " " + i.action() + " " + i.member() + (i.device() == null ? "" : "/" + i.device())).toList();
    }

    @Test
    void without_exemptions_decided_member_one_loses_the_app_at_the_deadline_and_network_access_when_the_grace_ends() {
        PreviewReport r = over(21);
        assertEquals(List.of(
                nz("2023-03-31T00:00") + " enforcement uninstall m-001/d-101",
                nz("2023-04-07T00:00") + " network-access quarantine m-001/d-102"), lines(r.losesAccess()));
        assertTrue(lines(r.actions()).contains(nz("2023-03-24T09:00") + " notify send reminder-7d m-001"), lines(r.actions()).toString());
        assertTrue(lines(r.actions()).contains(nz("2023-03-31T09:00") + " notify send deadline m-001"));
        assertTrue(lines(r.actions()).contains(nz("2023-04-03T09:00") + " notify send overdue m-001"));
        assertEquals(List.of("notify", "enforcement", "network-access"), List.copyOf(r.actionsByFunction().keySet()));
    }

    @Test
    void a_granted_exemption_moves_the_loss_to_its_expiry_and_the_expired_exemption_exposes_the_device_on_the_next_run() {
        world.exemptions.create(new Exemption("ex-short", "m-001", "d-102", "committee", ExemptionStatus.GRANTED, CLERK, nz("2023-03-18T10:00"),
                MANAGER, nz("2023-03-19T10:00"), nz("2023-04-12T17:00"), null, null));
        PreviewReport r = over(40);
        assertTrue(lines(r.losesAccess()).contains(nz("2023-04-12T17:00") + " network-access quarantine m-001/d-102"), lines(r.losesAccess()).toString());
        assertTrue(r.losesAccess().stream().filter(i -> "d-102".equals(i.device())).findFirst().orElseThrow().detail()
                .contains("exemption ex-short protects it until"));
        // m-003's exemption ends on 30 June, beyond a 40-day window: nothing for d-301 yet.
        assertTrue(r.actions().stream().noneMatch(i -> "d-301".equals(i.device()) && i.cutsAccess()));
        assertTrue(lines(r.actions()).contains(nz("2023-04-12T17:00") + " notify send exemption-expired m-001/d-102"));
    }

    @Test
    void an_exemption_notice_the_policy_sends_none_of_is_shown_as_not_sent() {
        var p = ExemptionFixtures.POLICY;
        var n = p.notices();
        var silent = new org.appban.policy.BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(), p.announcement(), p.deadline(),
                new org.appban.policy.BanPolicy.Notices(n.sendTime(), n.weekendDaysBeforeDeadline(), n.holidays(),
                        n.stages().stream().filter(s -> s.kind() != org.appban.policy.StageKind.EXEMPTION_EXPIRED).toList(),
                        java.util.Set.of(org.appban.policy.StageKind.EXEMPTION_EXPIRED)),
                p.privateDevices(), p.enforcement(), p.exemptions(), p.sender(), p.contact());
        world.exemptions.create(new Exemption("ex-short", "m-001", "d-102", "committee", ExemptionStatus.GRANTED, CLERK, nz("2023-03-18T10:00"),
                MANAGER, nz("2023-03-19T10:00"), nz("2023-04-12T17:00"), null, null));
        Instant now = world.clock.instant();
        PreviewReport r = CampaignPreview.standard(silent).preview(world.administration.snapshot(now), now, now.plus(Duration.ofDays(40)));
        assertTrue(lines(r.actions()).contains(nz("2023-04-12T17:00") + " notify no exemption-expired notice m-001/d-102"), lines(r.actions()).toString());
        assertTrue(r.actions().stream().anyMatch(i -> i.detail().contains("the policy sends none of this kind (notices.notSent)")));
        assertTrue(lines(r.actions()).stream().noneMatch(l -> l.contains("send exemption-expired")));
    }

    @Test
    void after_a_revocation_the_device_is_exposed_again_from_the_next_run() {
        world.endpoint.handle(org.appban.json.Json.object().put("operation", "exemption.revoke")
                .put("id", "ex-example-granted").put("reason", "inquiry over"), Caller.proven(org.appban.exemption.ExemptionFixtures.proven(MANAGER)), "inv-1");
        world.clock.set(nz("2023-04-20T10:00"));
        PreviewReport r = over(7);
        assertEquals(List.of(nz("2023-04-20T10:00") + " network-access quarantine m-003/d-301"),
                lines(r.losesAccess()).stream().filter(l -> l.contains("d-301")).toList());
    }

    @Test
    void a_function_can_replace_its_previewer_with_its_own_dry_run() {
        Previewer dryRun = new Previewer() {
            @Override
            public String function() {
                return "enforcement";
            }

            @Override
            public List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until) {
                return List.of(new PreviewItem(from, "enforcement", "block reinstall", "m-001", "d-101", true, "dry run"));
            }
        };
        CampaignPreview replaced = preview.with(dryRun);
        assertEquals(List.of("notify", "enforcement", "network-access"), replaced.functions());
        Instant now = world.clock.instant();
        PreviewReport r = replaced.preview(world.administration.snapshot(now), now, now.plus(Duration.ofDays(30)));
        assertEquals(1, r.actions().stream().filter(i -> i.function().equals("enforcement")).count());
    }
}
