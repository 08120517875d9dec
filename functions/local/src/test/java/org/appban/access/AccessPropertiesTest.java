package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;

/**
 * Whatever the fleet, the evidence, the NAC's prior state, the clock, the kill switch and the request: the
 * service never quarantines an exempt device, a corporate one whose MDM inventory does not list the app (nor, not
 * inventoried, reports it non-compliant), or a private one that its MDM reports compliant or whose owner attested,
 * with no telemetry at all; and it quarantines only where the rules' standing is against the
 * device, the grace period is over and the device is known unambiguously on the network.
 */
class AccessPropertiesTest {
    private static final Instant GRACE_ENDS = AccessFixtures.GRACE_ENDS;

    @Property(tries = 250)
    void noExemptOrCleanWithoutTelemetryDeviceIsEverQuarantined(@ForAll long seed) {
        Random rnd = new Random(seed);
        AccessHarness h = new AccessHarness();
        Instant now = GRACE_ENDS.plus(Duration.ofHours(rnd.nextInt(24 * 30) - 24 * 5));
        h.clock.set(now);
        List<String> macs = List.of("02:AA:00:00:00:01", "02:AA:00:00:00:02", "02:AA:00:00:00:03", "02:AA:00:00:00:04", "02:AA:00:00:00:05",
                "02:AA:00:00:00:06", "02:AA:00:00:00:07", "02:AA:00:00:00:08");
        int n = 1 + rnd.nextInt(40);
        Map<String, Device> devices = new HashMap<>();
        Map<String, Instant> attested = new HashMap<>();
        Set<String> sighted = new HashSet<>();
        Set<String> nacBefore = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String member = "m" + rnd.nextInt(Math.max(1, n / 2));
            boolean priv = rnd.nextInt(5) != 0;
            MdmKind mdm = rnd.nextBoolean() ? MdmKind.NONE : MdmKind.INTUNE;
            ComplianceState compliance = mdm == MdmKind.NONE ? ComplianceState.NOT_ENROLLED : ComplianceState.values()[rnd.nextInt(ComplianceState.values().length)];
            String mac = rnd.nextInt(10) == 0 ? null : rnd.nextInt(4) == 0 ? macs.get(rnd.nextInt(macs.size())) : String.format("02:CC:00:00:%02X:%02X", i / 256, i % 256);
            Instant reported = rnd.nextInt(6) == 0 ? null : now.minus(Duration.ofHours(rnd.nextInt(24 * 40)));
            Device d = new Device("d" + i, member, priv ? Ownership.PRIVATE : Ownership.CORPORATE, Platform.IOS, "phone", !priv, mdm,
                    mdm == MdmKind.NONE ? null : "mdm" + i, AccessFixtures.mac(mac), priv ? AppPresence.UNKNOWN : AppPresence.values()[rnd.nextInt(3)], compliance,
                    reported, rnd.nextInt(12) == 0);
            devices.put(d.id(), d);
            h.devices.save(d);
            if (rnd.nextInt(4) == 0) {
                h.seen(d.id(), now.minus(Duration.ofHours(rnd.nextInt(24 * 20))));
                sighted.add(d.id());
            }
            if (rnd.nextInt(6) == 0) {
                h.evidence.saveRecord(new AccessRecord(d.id(), rnd.nextBoolean() ? AccessRecord.State.QUARANTINED : AccessRecord.State.RELEASED,
                        1 + rnd.nextInt(3), mac == null ? "02:DD:00:00:00:01" : mac, "Quarantine", now.minus(Duration.ofDays(2)), "earlier run"));
            }
            if (mac != null && rnd.nextInt(8) == 0) {
                h.nac.policies.put(mac, "Quarantine");
                nacBefore.add(mac);
            }
            if (rnd.nextInt(5) == 0) {
                ExemptionStatus status = ExemptionStatus.values()[rnd.nextInt(ExemptionStatus.values().length)];
                Instant expires = now.plus(Duration.ofDays(rnd.nextInt(60) - 20));
                h.exemptions.create(new Exemption("ex" + i, member, rnd.nextBoolean() ? null : d.id(), "reason", status, member,
                        now.minus(Duration.ofDays(30)), "approver", now.minus(Duration.ofDays(29)), status == ExemptionStatus.GRANTED || rnd.nextBoolean() ? expires : null,
                        null, null));
            }
        }
        for (String member : devices.values().stream().map(Device::owner).distinct().toList()) {
            if (rnd.nextInt(3) == 0) {
                Instant at = now.minus(Duration.ofHours(rnd.nextInt(24 * 25)));
                h.attest(member, at);
                attested.put(member, at);
            }
        }
        if (rnd.nextInt(5) == 0) h.killSwitch.set(true, "admin", "test");
        AccessRequest.Mode mode = AccessRequest.Mode.values()[rnd.nextInt(3)];
        AccessRequest request = rnd.nextInt(3) == 0 ? AccessRequest.schedule()
                : new AccessRequest("manual", AccessRequest.Scope.FLEET, List.of(), mode, rnd.nextBoolean(), rnd.nextBoolean() ? 1000 : null);

        AccessReport report = h.run(request);

        Set<String> quarantinedNow = new HashSet<>();
        for (AccessReport.Action a : report.actions()) {
            if (a.action().equals("quarantine") && (a.outcome().equals("quarantined") || a.outcome().equals("already-quarantined"))) {
                quarantinedNow.add(a.device());
            }
        }
        for (Device d : devices.values()) {
            boolean exempt = h.exemptions.ofMember(d.owner()).stream().anyMatch(e -> e.protects(d, now));
            boolean mdmCompliant = d.mdm() != MdmKind.NONE && !d.retired() && d.compliance() == ComplianceState.COMPLIANT;
            boolean mdmSaysItCarries = d.mdm() != MdmKind.NONE && !d.retired()
                    && (d.compliance() == ComplianceState.NONCOMPLIANT || d.compliance() == ComplianceState.IN_GRACE_PERIOD);
            // Compliant by its MDM, or attested by its owner with its MDM (if any) not saying otherwise; never seen.
            boolean cleanWithoutTelemetry = !sighted.contains(d.id()) && (mdmCompliant || attested.containsKey(d.owner()) && !mdmSaysItCarries);
            // A corporate device's word is its inventory (its compliance only until it is inventoried); no attestation.
            boolean corporateClean = d.isCorporate() && (d.retired() || d.mdm() == MdmKind.NONE || d.appPresence() == AppPresence.ABSENT
                    || d.appPresence() == AppPresence.UNKNOWN && !mdmSaysItCarries);
            if (d.isCorporate()) cleanWithoutTelemetry = false;
            String why = "seed " + seed + ", device " + d + ", report " + report.actions();
            if (exempt || corporateClean || cleanWithoutTelemetry) {
                assertFalse(quarantinedNow.contains(d.id()), "quarantined although exempt or clean: " + why);
                assertTrue(h.entries(d.owner(), "nac.quarantined").stream().noneMatch(r -> d.id().equals(r.device()) && !r.dryRun()), why);
            }
            if (quarantinedNow.contains(d.id())) {
                assertTrue(!now.isBefore(GRACE_ENDS), "quarantined before the grace period ended: " + why);
                assertTrue(NetworkIdentity.of(devices.values()).get(d.id()).unique(), "quarantined on an ambiguous identity: " + why);
                assertFalse(request.dryRun(), why);
                assertFalse(h.killSwitch.read().engaged(), why);
            }
        }
        // Nothing but quarantines this run decided, and releases of its own records, changed on the NAC.
        for (String mac : macs) {
            if (nacBefore.contains(mac) && !h.nac.policies.containsKey(mac)) {
                assertTrue(report.actions().stream().anyMatch(a -> a.action().equals("release") && mac.equals(a.key())), "seed " + seed + ": " + mac + " lifted unasked");
            }
        }
        if (request.dryRun()) {
            List<LedgerEntry> all = new ArrayList<>();
            h.ledger.chains().forEach(c -> all.addAll(h.ledger.chain(c)));
            // Besides the run's would-do entries: the members' attestations and the inventory's count of the fleet.
            assertTrue(all.stream().allMatch(e -> e.record().dryRun() || e.record().action().startsWith("attestation")
                            || e.record().action().equals(org.appban.safety.FleetCount.ACTION)),
                    "a dry run records only would-do entries: seed " + seed);
            assertTrue(report.actions().stream().noneMatch(a -> a.outcome().equals("quarantined") || a.outcome().equals("released")), "seed " + seed);
        }
    }
}
