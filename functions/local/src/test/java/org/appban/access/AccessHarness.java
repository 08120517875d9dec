package org.appban.access;

import org.appban.testing.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.notice.Attestations;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryEvidenceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;

/** The network-access service over embedded adapters, a fake NAC and a hand-moved clock. */
final class AccessHarness {
    final TestClock clock = new TestClock(AccessFixtures.AFTER_GRACE);
    final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    final InMemoryLedger ledger = new InMemoryLedger();
    final InMemoryClaims claims = new InMemoryClaims();
    final InMemoryEvidenceStore evidence = new InMemoryEvidenceStore();
    final FakeNetworkAccess nac = new FakeNetworkAccess();
    final InMemoryKillSwitch killSwitch = new InMemoryKillSwitch();
    final List<String> notices = new ArrayList<>();
    final List<String> alerts = new ArrayList<>();
    static final int BYSTANDERS = 12;
    /** How many times the service read the whole inventory (all or forEach): a run over a few devices should not. */
    int fleetReads;
    /** The devices as the service reads them, counted in {@link #fleetReads}. */
    final org.appban.ports.DeviceStore countedDevices;
    final NetworkAccessService service;
    private int runs;

    AccessHarness() {
        AccessNotices recording = new AccessNotices() {
            @Override
            public void revoked(String member, String device, Instant at, String occasion) {
                notices.add("access-revoked " + member + " " + device + " " + occasion);
            }

            @Override
            public void restored(String member, String device, Instant at, String occasion) {
                notices.add("access-restored " + member + " " + device + " " + occasion);
            }
        };
        // Bystanders: private devices their MDM reports compliant, so that acting on a few devices stays within
        // the blast radius's share of the fleet, as it does in a real one.
        for (int i = 0; i < BYSTANDERS; i++) {
            devices.save(AccessFixtures.privateEnrolled("bystander-" + i, "bm" + i, String.format("02:BB:00:00:00:%02X", i),
                    org.appban.domain.ComplianceState.COMPLIANT, AccessFixtures.DEADLINE));
        }
        org.appban.ports.DeviceStore counted = new org.appban.ports.DeviceStore() {
            @Override public Map<String, org.appban.ports.DeviceStore.Listed> findListed(java.util.Collection<String> ids, boolean consistent) { return devices.findListed(ids, consistent); }
            @Override public boolean saveListed(Device d, String source, long period, long was) { return devices.saveListed(d, source, period, was); }
            @Override public org.appban.ports.DeviceStore.StalePage stale(String source, int shard, long before, String after, int limit) { return devices.stale(source, shard, before, after, limit); }
            @Override
            public java.util.Optional<Device> find(String id) {
                return devices.find(id);
            }

            @Override
            public Map<String, Device> findAll(java.util.Collection<String> ids) {
                return devices.findAll(ids);
            }

            @Override
            public List<Device> ofOwner(String memberId) {
                return devices.ofOwner(memberId);
            }

            @Override
            public java.util.Set<String> idsWithMac(org.appban.domain.MacAddress mac) {
                // What an index on the MAC answers; the default would read the fleet.
                java.util.Set<String> ids = new java.util.HashSet<>();
                for (Device d : devices.all()) if (mac.equals(d.macAddress())) ids.add(d.id());
                return ids;
            }

            @Override
            public List<Device> all() {
                fleetReads++;
                return devices.all();
            }

            @Override
            public void forEach(java.util.function.Consumer<Device> action) {
                fleetReads++;
                devices.forEach(action);
            }

            @Override
            public void save(Device device) {
                devices.save(device);
            }
        };
        countedDevices = counted;
        service = new NetworkAccessService(AccessFixtures.POLICY, counted, exemptions, Attestations.fromLedger(ledger), evidence, nac,
                killSwitch, claims, ledger, recording, (subject, body, facts) -> alerts.add(subject + " " + facts), clock);
    }

    /** Whether the inventory's count of the fleet is kept before the first run (as the hourly sync keeps it). */
    private boolean fleetCounted = true;

    /** A stack whose inventory has counted no fleet yet (a new stack, or a sync failing for days). */
    AccessHarness uncounted() {
        fleetCounted = false;
        return this;
    }

    /** What the inventory sync keeps after a complete listing: the fleet's count at {@code at} (one a UTC day). */
    void counted(long devices, Instant at) {
        ledger.append(new org.appban.safety.FleetCount(devices, at).record(at, Actor.schedule("inventory-hourly")));
    }

    private void countOnce() {
        if (!fleetCounted) return;
        fleetCounted = false;
        counted(devices.all().stream().filter(d -> !d.retired()).count(), clock.instant());
    }

    AccessHarness with(Device... ds) {
        for (Device d : ds) devices.save(d);
        return this;
    }

    /** What the attestation function records when the member confirms through their link. */
    void attest(String member, Instant at) {
        ledger.append(new LedgerRecord(at, Actor.event("attestation-link:test"), member, null, Attestations.ACTION, "ok", false,
                "attestation/" + member + "/" + at, Map.of("via", "signed link")));
    }

    void seen(String device, Instant at) {
        evidence.recordSightings(List.of(AccessFixtures.seen(device, at)));
    }

    AccessReport schedule() {
        countOnce();
        return service.run(AccessRequest.schedule(), Actor.schedule("test"), "run-" + (++runs));
    }

    AccessReport run(AccessRequest request) {
        countOnce();
        return service.run(request, Actor.administrator("admin@example.org"), "run-" + (++runs));
    }

    List<LedgerRecord> entries(String member, String action) {
        return ledger.chain("member#" + member).stream().map(LedgerEntry::record).filter(r -> r.action().equals(action)).toList();
    }

    List<LedgerRecord> fleet(String action) {
        return ledger.chain("fleet").stream().map(LedgerEntry::record).filter(r -> r.action().equals(action)).toList();
    }
}
