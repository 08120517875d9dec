package org.appban.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.preview.CampaignPreview;
import org.appban.admin.preview.PreviewItem;
import org.appban.admin.preview.PreviewReport;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The administrators' preview ("who loses what, when") and the enforcement function's dry run of the same day say
 * the same, because the preview asks the function's own planner: the sample fleet over the simulators, its
 * inventory as the MDMs report it, previewed the day before and dry-run on the day.
 */
class PreviewAgreesWithDryRunTest {
    private final EnforcementWorld world = EnforcementWorld.sample();

    @AfterEach
    void close() {
        world.close();
    }

    private Set<String> previewedRemovals(Instant dayStarts) {
        FleetSnapshot fleet = FleetSnapshot.load(EnforcementWorld.POLICY, dayStarts, new InMemoryMemberStore(), world.devices, world.exemptions, world.ledger);
        PreviewReport r = CampaignPreview.standard(EnforcementWorld.POLICY).preview(fleet, dayStarts.minus(Duration.ofDays(1)), dayStarts.plus(Duration.ofDays(1)));
        return r.actions().stream().filter(i -> i.function().equals("enforcement") && !i.at().isBefore(dayStarts))
                .map(PreviewItem::device).collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> dryRunRemovals(EnforceRequest request) {
        EmbeddedEnforcement.Result r = world.run(request.asDryRun());
        assertEquals(true, r.report().dryRun());
        return r.report().devices().stream().filter(v -> v.status() == DeviceStatus.PENDING)
                .map(DeviceVerdict::device).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void onTheDeadlineThePreviewedRemovalsAreTheDryRunsRemovals() {
        world.at("2023-03-31T00:00+13:00");
        world.refreshInventory();
        Set<String> previewed = previewedRemovals(EnforcementWorld.DEADLINE);
        Set<String> dryRun = dryRunRemovals(EnforceRequest.deadline());
        assertFalse(dryRun.isEmpty());
        assertEquals(dryRun, previewed);
    }

    @Test
    void theDayAnExemptionEndsThePreviewedRemovalIsTheDryRunsToo() {
        world.at("2023-03-31T00:00+13:00");
        world.refreshInventory();
        // Every device with the app keeps it under an exemption that ends on 10 April at 09:00.
        Instant ends = Instant.parse("2023-04-09T21:00:00Z");
        world.devices.all().stream().filter(d -> d.isCorporate() && !d.retired()).forEach(d -> world.exemptions.create(new Exemption(
                "ex-" + d.id().replace(':', '-'), d.owner(), d.id(), "test", ExemptionStatus.GRANTED, d.owner(), Instant.parse("2023-03-20T00:00:00Z"),
                "approver@example.org", Instant.parse("2023-03-21T00:00:00Z"), ends, null, null)));
        world.at("2023-04-10T09:00+12:00");
        Set<String> previewed = previewedRemovals(ends);
        Set<String> dryRun = dryRunRemovals(EnforceRequest.reconcile());
        assertFalse(dryRun.isEmpty());
        assertEquals(dryRun, previewed);
    }
}
