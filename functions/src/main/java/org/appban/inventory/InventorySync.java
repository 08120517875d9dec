package org.appban.inventory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.appban.domain.Actor;
import org.appban.domain.Device;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.policy.BanPolicy;
import org.appban.ports.DeviceStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.remote.RemoteFailure;

/**
 * Brings the devices table in line with what the MDMs report, and announces each real change.
 *
 * <p>Devices are streamed page by page from each MDM and compared with the stored ones in batches, so memory
 * holds a page, not the fleet. For each batch the order is: publish the changes, record them in the ledger, then
 * save the devices. A crash after publishing and before saving publishes the same change again on the retry
 * (consumers reconcile, so a duplicate is harmless); the other order could lose a change for good.
 *
 * <p>A device is marked gone only after its MDM's listing completed: a listing that failed part-way says nothing
 * about the devices it did not reach.
 */
public final class InventorySync {
    static final int BATCH = 200;

    private final BanPolicy policy;
    private final List<FleetInventory> mdms;
    private final MemberStore members;
    private final DeviceStore devices;
    private final DeviceEvents events;
    private final Ledger ledger;
    private final Clock clock;

    public InventorySync(BanPolicy policy, List<FleetInventory> mdms, MemberStore members, DeviceStore devices,
                         DeviceEvents events, Ledger ledger, Clock clock) {
        this.policy = policy;
        this.mdms = List.copyOf(mdms);
        this.members = members;
        this.devices = devices;
        this.events = events;
        this.ledger = ledger;
        this.clock = clock;
    }

    public SyncReport run(Actor actor, boolean dryRun) {
        Instant now = clock.instant();
        Map<String, String> memberByAddress = memberIndex();
        Run run = new Run(actor, dryRun, now);
        for (FleetInventory mdm : mdms) {
            String name = mdm.mdm().wireName();
            Set<String> seen = new HashSet<>();
            int count = 0;
            try (Stream<InventoriedDevice> stream = mdm.devices(policy.app())) {
                Iterator<InventoriedDevice> it = stream.iterator();
                List<InventoriedDevice> batch = new ArrayList<>(BATCH);
                while (it.hasNext()) {
                    batch.add(it.next());
                    if (batch.size() == BATCH) {
                        count += run.apply(batch, memberByAddress, seen);
                        batch.clear();
                    }
                }
                count += run.apply(batch, memberByAddress, seen);
            } catch (RemoteFailure e) {
                run.failures.add(name + ": listing failed after " + count + " devices (" + e.kind() + "): " + e.getMessage());
                run.perMdm.put(name, count);
                continue;
            }
            run.perMdm.put(name, count);
            run.markGone(mdm, seen);
        }
        String status = run.failures.isEmpty() ? "synced" : "partial";
        return new SyncReport(status, dryRun, run.perMdm, run.changeCounts, run.saved, run.unknownOwners, run.failures);
    }

    /** Members by the addresses an MDM may name them with (email, case-insensitively). Inactive members included. */
    private Map<String, String> memberIndex() {
        Map<String, String> index = new HashMap<>();
        for (Member m : members.all()) index.put(m.email().toLowerCase(Locale.ROOT), m.id());
        return index;
    }

    /** The state of one sync run. */
    private final class Run {
        final Actor actor;
        final boolean dryRun;
        final Instant now;
        final Map<String, Integer> perMdm = new LinkedHashMap<>();
        final Map<String, Integer> changeCounts = new TreeMap<>();
        final List<SyncReport.UnknownOwner> unknownOwners = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        int saved;

        Run(Actor actor, boolean dryRun, Instant now) {
            this.actor = actor;
            this.dryRun = dryRun;
            this.now = now;
        }

        int apply(List<InventoriedDevice> batch, Map<String, String> memberByAddress, Set<String> seen) {
            if (batch.isEmpty()) return 0;
            Map<String, Device> stored = devices.findAll(batch.stream().map(InventoriedDevice::deviceId).toList());
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Device> toSave = new ArrayList<>();
            for (InventoriedDevice reported : batch) {
                seen.add(reported.deviceId());
                String owner = owner(reported, memberByAddress);
                Optional<Device> before = Optional.ofNullable(stored.get(reported.deviceId()));
                Device fresh = reported.toDevice(owner, reported.lastCheckIn() != null ? reported.lastCheckIn()
                        : before.map(Device::lastSeen).orElse(now));
                changes.addAll(DeviceChanges.between(policy.id(), before, fresh, now));
                if (before.isEmpty() || !before.get().equals(fresh)) toSave.add(fresh);
            }
            commit(changes, toSave);
            return batch.size();
        }

        void markGone(FleetInventory mdm, Set<String> seen) {
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Device> toSave = new ArrayList<>();
            for (Device d : devices.all()) {
                if (d.mdm() != mdm.mdm() || d.retired() || seen.contains(d.id())) continue;
                changes.add(DeviceChanges.gone(policy.id(), d, now));
                toSave.add(d.withRetired(true));
            }
            commit(changes, toSave);
        }

        private void commit(List<DeviceStatusChanged> changes, List<Device> toSave) {
            changes.forEach(c -> changeCounts.merge(c.change().wireName(), 1, Integer::sum));
            if (dryRun) return;
            if (!changes.isEmpty()) events.publish(changes);
            for (DeviceStatusChanged c : changes) {
                ledger.append(new LedgerRecord(now, actor, c.member().startsWith(UNKNOWN) ? null : c.member(), c.device(),
                        "inventory." + c.change().wireName(), "ok", false,
                        "inventory/" + c.device() + "/" + c.change().wireName() + "/" + stateKey(c),
                        details(c)));
            }
            toSave.forEach(devices::save);
            saved += toSave.size();
        }

        private String owner(InventoriedDevice d, Map<String, String> memberByAddress) {
            for (String address : new String[] {d.ownerEmail(), d.ownerPrincipal()}) {
                if (address == null) continue;
                String id = memberByAddress.get(address.toLowerCase(Locale.ROOT));
                if (id != null) return id;
            }
            String reported = d.ownerEmail() != null ? d.ownerEmail() : d.ownerPrincipal() != null ? d.ownerPrincipal() : "none";
            unknownOwners.add(new SyncReport.UnknownOwner(d.deviceId(), reported));
            if (!dryRun) {
                ledger.append(new LedgerRecord(now, actor, null, d.deviceId(), "inventory.unknown-owner", "reported", false,
                        "inventory/unknown-owner/" + d.deviceId() + "/" + reported, Map.of("reportedOwner", reported)));
            }
            return UNKNOWN + reported;
        }
    }

    /** Owner of a device whose MDM names nobody on the roster: kept so it is not lost, and reported. */
    public static final String UNKNOWN = "unknown:";

    /** Identifies the transition, so a retry of the same sync records it once, and a later identical change again. */
    private static String stateKey(DeviceStatusChanged c) {
        return (c.before() == null ? "none" : c.before().appPresence() + "-" + c.before().compliance())
                + ">" + (c.after() == null ? "gone" : c.after().appPresence() + "-" + c.after().compliance())
                + "@" + c.at().toString().substring(0, 13);
    }

    private static Map<String, String> details(DeviceStatusChanged c) {
        Map<String, String> d = new TreeMap<>();
        if (c.before() != null) d.put("before", c.before().appPresence() + "/" + c.before().compliance());
        if (c.after() != null) d.put("after", c.after().appPresence() + "/" + c.after().compliance());
        return d;
    }
}
