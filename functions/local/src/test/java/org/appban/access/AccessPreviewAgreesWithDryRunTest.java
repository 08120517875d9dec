package org.appban.access;

import static org.appban.access.AccessFixtures.AFTER_GRACE;
import static org.appban.access.AccessFixtures.DEADLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.preview.NetworkAccessPreviewer;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * The preview's quarantines for a day are the network-access function's dry run of that day, because the preview asks
 * the function's own rules: unconfirmed unmanaged devices, non-compliant ones, a corporate device its MDM cannot clean,
 * and not the compliant, the attested, the exempt, or a device the network cannot tell apart from another.
 */
class AccessPreviewAgreesWithDryRunTest {
    @Test
    void thePreviewedQuarantinesOfTheDayAreTheDryRunsQuarantines() {
        Device unsupervised = new Device("jamf:c9", "m9", Ownership.CORPORATE, Platform.IOS, "iPhone 12", false, MdmKind.JAMF, "c9",
                AccessFixtures.mac("02:CC:00:00:00:09"), AppPresence.PRESENT, ComplianceState.UNKNOWN, DEADLINE, false);
        AccessHarness h = new AccessHarness().with(
                AccessFixtures.privateUnmanaged("nac:u1", "m1", "02:CC:00:00:00:01"),
                AccessFixtures.privateEnrolled("intune:p2", "m2", "02:CC:00:00:00:02", ComplianceState.NONCOMPLIANT, DEADLINE),
                AccessFixtures.privateEnrolled("intune:p3", "m3", "02:CC:00:00:00:03", ComplianceState.COMPLIANT, DEADLINE),
                AccessFixtures.privateUnmanaged("nac:a4", "m4", "02:CC:00:00:00:04"),
                AccessFixtures.privateUnmanaged("nac:e5", "m5", "02:CC:00:00:00:05"),
                AccessFixtures.privateUnmanaged("nac:s6", "m6", "02:CC:00:00:00:06"),
                AccessFixtures.privateUnmanaged("nac:s7", "m7", "02:CC:00:00:00:06"),
                unsupervised);
        h.attest("m4", DEADLINE.plus(Duration.ofDays(1)));
        h.exemptions.create(new Exemption("ex-5", "m5", "nac:e5", "work", ExemptionStatus.GRANTED, "m5", DEADLINE.minus(Duration.ofDays(9)),
                "approver@example.org", DEADLINE.minus(Duration.ofDays(8)), AFTER_GRACE.plus(Duration.ofDays(30)), null, null));

        FleetSnapshot fleet = FleetSnapshot.load(AccessFixtures.POLICY, AFTER_GRACE, new InMemoryMemberStore(), h.devices, h.exemptions, h.ledger);
        Set<String> previewed = new NetworkAccessPreviewer().preview(fleet, AFTER_GRACE, AFTER_GRACE.plus(Duration.ofDays(1))).stream()
                .map(i -> i.device()).collect(Collectors.toCollection(TreeSet::new));
        AccessReport dryRun = h.run(new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), AccessRequest.Mode.RECONCILE, true, null));
        Set<String> decided = dryRun.actions().stream().filter(a -> a.action().equals("quarantine")).map(AccessReport.Action::device)
                .collect(Collectors.toCollection(TreeSet::new));

        assertTrue(dryRun.dryRun());
        assertEquals(Set.of("intune:p2", "jamf:c9", "nac:u1"), decided, dryRun.toString());
        assertEquals(decided, previewed);
    }
}
