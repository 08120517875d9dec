package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.fleet.SimulatedFleet;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BanPolicy;
import org.appban.remote.Secret;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetAttestation;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.telemetry.TelemetryGenerator;
import org.appban.sim.world.SimDevice;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryEvidenceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal of issue 6 in miniature, through {@link EmbeddedAccess} (the API the lead's rehearsal calls): the
 * sample fleet on the simulated clock from three days before the deadline to three weeks after, the ISE simulator as
 * the NAC, the fleet's attestations recorded when due, a DNS log made each day from the world's truth by the
 * {@link TelemetryGenerator}, and the daily run. A stand-in for inventory sync copies each enrolled private device's
 * compliance from the world (the lead's rehearsal has the real sync).
 */
class AccessRehearsalTest {
    static final BanPolicy POLICY = AccessFixtures.POLICY;

    @Test
    void keepsQuarantinesPreciseAndRestoresAccessOnEveryPath() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            var clock = fleet.sims.clock();
            var members = new InMemoryMemberStore();
            var devices = new InMemoryDeviceStore();
            var exemptions = new InMemoryExemptionStore();
            var ledger = new InMemoryLedger();
            var evidence = new InMemoryEvidenceStore();
            List<String> notices = new ArrayList<>();
            List<String> alerts = new ArrayList<>();
            fleet.sims.world().fleet().members().forEach(m -> members.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow())));
            fleet.sims.world().fleet().exemptions().stream().filter(e -> e.status().equals("granted")).forEach(e -> exemptions.create(new Exemption(
                    e.id(), e.member(), e.device() == null ? null : id(fleet, e.device()), e.reason(), ExemptionStatus.GRANTED, e.member(),
                    POLICY.announcementInstant(), e.approvedBy(), POLICY.announcementInstant(), e.expires(), null, null)));
            var nac = new CiscoIseNetworkAccess(new IseConnection(fleet.sims.ise().baseUri(), Simulators.ISE_USER, new Secret(Simulators.ISE_PASSWORD),
                    "Quarantine"), fleet.options);
            AccessNotices recording = new AccessNotices() {
                @Override
                public void revoked(String member, String device, Instant at, String occasion) {
                    notices.add(at + " access-revoked " + member + " " + device);
                }

                @Override
                public void restored(String member, String device, Instant at, String occasion) {
                    notices.add(at + " access-restored " + member + " " + device);
                }
            };
            EmbeddedAccess access = EmbeddedAccess.of(POLICY, members, devices, exemptions, ledger, new InMemoryClaims(), evidence, nac,
                    new InMemoryKillSwitch(), recording, (s, b, f) -> alerts.add(s + " " + f), clock);
            var generator = new TelemetryGenerator(fleet.sims.world(), POLICY.app().identifiers().values().stream().flatMap(List::stream).distinct().toList(),
                    POLICY.app().domains(), 11);

            Instant start = POLICY.deadlineInZone().minusDays(3).toInstant();
            clock.set(start);
            Map<String, String> timeline = new TreeMap<>();
            Instant previous = start;
            for (int day = 0; day < 24; day++) {
                Instant runAt = POLICY.deadlineInZone().toLocalDate().minusDays(3).plusDays(day).atTime(LocalTime.of(7, 30)).atZone(POLICY.zone()).toInstant();
                for (FleetAttestation a : fleet.sims.world().fleet().attestationsBetween(previous, runAt)) {
                    clock.set(a.at());
                    EmbeddedAccess.Attested attested = access.attest(a.member());
                    assertEquals(AttestationService.Status.RECORDED, attested.attestation().status());
                    for (AccessReport.Action x : attested.access().actions()) {
                        timeline.merge(x.device(), a.at().atZone(POLICY.zone()).toLocalDate() + " " + x.outcome(), (p, q) -> p + ", " + q);
                    }
                }
                clock.set(runAt);
                syncInventory(fleet, devices, ledger, runAt);
                // A quarantined device still resolves names through the logged resolvers (to reach the remediation
                // portal), so it stays visible: a device that keeps the app stays quarantined.
                List<String> dns = generator.dns(previous, runAt, mac -> true);
                List<AccessReport> reports = new ArrayList<>();
                if (!dns.isEmpty() && access.telemetry("s3://telemetry/dns/" + runAt + ".jsonl", dns).get("access") instanceof AccessReport t) reports.add(t);
                reports.add(access.run(AccessRequest.schedule(), Actor.schedule("network-access-daily"), "day-" + day));
                for (AccessReport r : reports) {
                    for (AccessReport.Action a : r.actions()) timeline.merge(a.device(), runAt.atZone(POLICY.zone()).toLocalDate() + " " + a.outcome(), (x, y) -> x + ", " + y);
                }
                previous = runAt;
            }
            String d10 = "d10-private-iphone-unmanaged";
            String d18 = id(fleet, "d18-private-iphone");
            String d25 = "d25-private-iphone-unmanaged";
            // A private device that keeps the app loses access after the grace period, and gets it back after its member
            // removes the app: by attesting (d10, 10 April), or through its MDM's compliance (d18, 12 April).
            assertTrue(quarantines(ledger, "m10", d10).get(0).startsWith("2023-04-06T19:30"), quarantines(ledger, "m10", d10).toString());
            assertTrue(notices.stream().anyMatch(n -> n.contains("access-restored m10 " + d10) && n.startsWith("2023-04-10")), notices.toString());
            assertTrue(notices.stream().anyMatch(n -> n.contains("access-revoked m18 " + d18)), notices.toString());
            assertTrue(notices.stream().anyMatch(n -> n.contains("access-restored m18 " + d18) && n.startsWith("2023-04-12")), notices.toString());
            // An attested device without telemetry is never touched.
            assertTrue(quarantines(ledger, "m17", "d17-private-iphone").isEmpty());
            assertNull(fleet.sims.ise().policyOf(fleet.device("d17-private-iphone").spec().mac()));
            // A device seen in telemetry after its member attested is quarantined, and its evidence says so.
            var d25Entry = ledger.chain("member#m25").stream().map(LedgerEntry::record).filter(e -> e.action().equals("nac.quarantined")).findFirst().orElseThrow();
            assertTrue(d25Entry.details().get("evidence.1").startsWith("telemetry"), d25Entry.details().toString());
            assertTrue(d25Entry.details().get("evidence.2").startsWith("attested"), d25Entry.details().toString());
            // Exempt devices never; the devices nobody can tell apart on the network are reported, never acted on.
            for (String exempt : List.of("d15-private-iphone-exempt", "d16-private-android-exempt")) {
                assertNull(fleet.sims.ise().policyOf(fleet.device(exempt).spec().mac()), exempt);
            }
            assertNull(fleet.sims.ise().policyOf("DA:A1:19:5E:00:01"));
            assertTrue(alerts.stream().anyMatch(a -> a.contains(id(fleet, "d28-private-android-no-mac"))), alerts.toString());
            assertEquals(List.of(), nonDryRunFailures(ledger));
            System.out.println("network access timeline (device: day outcome, ...):");
            timeline.forEach((device, events) -> System.out.println("  " + device + ": " + events));
            notices.forEach(n -> System.out.println("  notice " + n));
            assertEquals("2023-04-07 quarantined", timeline.get(d25), "seen after attesting, and still seen: stays quarantined");
            assertEquals("2023-04-07 quarantined, 2023-04-10 released", timeline.get(d10), "no attestation by the end of the grace period; attested");
            assertEquals("2023-04-07 quarantined, 2023-04-13 released", timeline.get(d18), "non-compliant; compliant again at the MDM's next report");
            assertEquals(1, quarantines(ledger, "m10", d10).size(), "not seen again after its member removed the app");
        }
    }

    static List<String> quarantines(InMemoryLedger ledger, String member, String device) {
        return ledger.chain("member#" + member).stream().map(LedgerEntry::record)
                .filter(r -> r.action().equals("nac.quarantined") && device.equals(r.device())).map(r -> r.at().toString()).toList();
    }

    static List<String> nonDryRunFailures(InMemoryLedger ledger) {
        List<String> out = new ArrayList<>();
        for (String c : ledger.chains()) ledger.chain(c).stream().filter(e -> e.record().outcome().equals("failed")).forEach(e -> out.add(e.toString()));
        return out;
    }

    static String id(SimulatedFleet fleet, String fleetId) {
        SimDevice d = fleet.device(fleetId);
        return d.spec().mdm() == FleetDevice.Mdm.NONE ? fleetId : d.spec().mdm().wire() + ":" + SimulatedFleet.mdmId(d);
    }

    /**
     * Stands in for inventory sync: private devices as the inventory would hold them, their compliance what the MDM
     * would report at the device's last check-in (non-compliant while the app was there at that check-in). Never the
     * app list.
     */
    static void syncInventory(SimulatedFleet fleet, InMemoryDeviceStore devices, InMemoryLedger ledger, Instant now) {
        for (SimDevice d : fleet.sims.world().devices()) {
            FleetDevice spec = d.spec();
            if (spec.ownership() != FleetDevice.Ownership.PRIVATE || !d.present()) continue;
            MdmKind mdm = MdmKind.parse(spec.mdm().wire());
            boolean enrolled = mdm != MdmKind.NONE && d.enrolled();
            ComplianceState compliance = !enrolled ? ComplianceState.NOT_ENROLLED
                    : spec.mdm() == FleetDevice.Mdm.JAMF ? ComplianceState.UNKNOWN
                    : d.reportedApps().stream().anyMatch(a -> a.equals("com.zhiliaoapp.musically") || a.equals("com.ss.android.ugc.trill"))
                    ? ComplianceState.NONCOMPLIANT : ComplianceState.COMPLIANT;
            devices.save(new Device(id(fleet, spec.id()), spec.owner(), Ownership.PRIVATE, Platform.parse(spec.platform().wire()), spec.model(), false,
                    enrolled ? mdm : MdmKind.NONE, enrolled ? SimulatedFleet.mdmId(d) : null, AccessFixtures.mac(spec.mac()), AppPresence.UNKNOWN, compliance,
                    enrolled ? d.lastCheckIn() : null, false));
        }
        // As the real sync does after a complete listing: the fleet's count, which an event's run weighs its cap against.
        long live = devices.all().stream().filter(d -> !d.retired()).count();
        ledger.append(new org.appban.safety.FleetCount(live, now).record(now, Actor.schedule("inventory-hourly")));
    }
}
