package org.appban.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
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
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Device;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MacAddress;
import org.appban.domain.Member;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.network.RegisteredDevice;
import org.appban.network.RegisteredDevices;
import org.appban.policy.BanPolicy;
import org.appban.ports.DeviceStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.remote.RemoteFailure;
import org.appban.safety.FleetCount;

/**
 * Brings the devices table in line with what the MDMs report, and announces each real change.
 *
 * <p>Devices are streamed page by page from each MDM and compared with the stored ones in batches, so memory
 * holds a page, not the fleet. For each batch the order is: publish the changes, record them in the ledger, then
 * save the devices. A crash after publishing and before saving publishes the same change again on the retry
 * (consumers reconcile, so a duplicate is harmless); the other order could lose a change for good.
 *
 * <p>A device is marked gone only after its MDM's listing completed: a listing that failed part-way says nothing
 * about the devices it did not reach. The listed ids are remembered as fingerprints ({@link SeenDevices}), and the
 * stored devices are then streamed from the store, not loaded at once.
 *
 * <p>After the MDMs, the NAC's device registry (when there is one): a member's private phone that no MDM enrols
 * still joins the network by being registered in the NAC's device portal. Each registered endpoint whose MAC no
 * MDM device has becomes a private, unmanaged device {@code nac:<mac>} owned by whoever registered it, so the
 * network access function can decide about it. Endpoints nobody registered (corporate devices, printers) are
 * counted, not stored: there is no one to hold to the policy.
 */
public final class InventorySync implements DeviceRefresh {
    static final int BATCH = 200;

    private final BanPolicy policy;
    private final List<FleetInventory> mdms;
    private final MemberStore members;
    private final DeviceStore devices;
    private final DeviceEvents events;
    private final Ledger ledger;
    private final Clock clock;
    private final Optional<RegisteredDevices> registry;
    private final Duration stampPeriod;

    /**
     * How long a source's stamp on a device lasts: a device is written at least once a period (unless it changed,
     * when it is written anyway), and one that vanished is marked gone by the first complete listing of the next
     * period. A day: one write a device a day instead of one an hour, and a vanished device noticed within about a
     * day, which the campaign's steps (days apart) do not feel.
     */
    public static final Duration STAMP_PERIOD = Duration.ofDays(1);

    /** Name of the registry in the report's per-source counts and failures. */
    public static final String REGISTRY = "nac";
    /** Prefix of the ids of devices known only from the NAC's registry. */
    public static final String REGISTRY_PREFIX = "nac:";

    /** The id of the device known only from the registry's endpoint with this MAC. */
    public static String registryId(MacAddress mac) {
        return REGISTRY_PREFIX + mac.hexDigits();
    }

    public InventorySync(BanPolicy policy, List<FleetInventory> mdms, MemberStore members, DeviceStore devices,
                         DeviceEvents events, Ledger ledger, Clock clock) {
        this(policy, mdms, Optional.empty(), members, devices, events, ledger, clock);
    }

    public InventorySync(BanPolicy policy, List<FleetInventory> mdms, Optional<RegisteredDevices> registry, MemberStore members,
                         DeviceStore devices, DeviceEvents events, Ledger ledger, Clock clock) {
        this(policy, mdms, registry, members, devices, events, ledger, clock, STAMP_PERIOD);
    }

    /** @param stampPeriod how long a stamp lasts ({@link #STAMP_PERIOD}); whole seconds, at least an hour */
    public InventorySync(BanPolicy policy, List<FleetInventory> mdms, Optional<RegisteredDevices> registry, MemberStore members,
                         DeviceStore devices, DeviceEvents events, Ledger ledger, Clock clock, Duration stampPeriod) {
        if (stampPeriod.compareTo(Duration.ofHours(1)) < 0) throw new IllegalArgumentException("a stamp period under an hour: " + stampPeriod);
        this.stampPeriod = stampPeriod;
        this.policy = policy;
        this.registry = registry;
        this.mdms = List.copyOf(mdms);
        this.members = members;
        this.devices = devices;
        this.events = events;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The stamp period {@code at} falls in (periods counted from the epoch, so every invocation agrees). */
    public long period(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), stampPeriod.getSeconds());
    }

    /** A run of one step of a round: its period fixed by the round, its counts the step's. */
    Run stepRun(Actor actor, long period) {
        return new Run(actor, false, clock.instant(), false, period);
    }

    List<FleetInventory> mdms() {
        return mdms;
    }

    Optional<RegisteredDevices> registry() {
        return registry;
    }

    BanPolicy policy() {
        return policy;
    }

    DeviceStore devices() {
        return devices;
    }

    public SyncReport run(Actor actor, boolean dryRun) {
        Instant now = clock.instant();
        // A manual whole sync asks the roster about every device's owner: it reads the roster whole, once (its work is
        // the whole fleet, and an administrator may run it to bring every owner up to date at once).
        Owners memberByAddress = roster();
        // The registry needs the MACs the MDMs report. A real run has saved them all by then, so the store has them;
        // only a dry run, which saves nothing, must remember them on the way (a map as large as the fleet).
        Run run = new Run(actor, dryRun, now, registry.isPresent() && dryRun, period(now));
        Map<MdmKind, SeenDevices> listed = new EnumMap<>(MdmKind.class);
        try {
            for (FleetInventory mdm : mdms) {
                SeenDevices seen = new SeenDevices();
                if (list(mdm, run, memberByAddress, seen)) listed.put(mdm.mdm(), seen);
                else seen.close();
            }
            Sweep sweep = listed.isEmpty() && registry.isEmpty() ? new Sweep() : run.sweep(listed, registry.isPresent());
            registry.ifPresent(r -> syncRegistry(r, run, memberByAddress, sweep));
        } finally {
            listed.values().forEach(SeenDevices::close);
        }
        String status = run.failures.isEmpty() ? "synced" : "partial";
        if (run.failures.isEmpty() && !dryRun) counted(run.counted, now, actor);
        return new SyncReport(status, dryRun, run.perMdm, run.changeCounts, run.saved, run.unknownOwners, run.failures, run.badInput);
    }

    /**
     * The hourly sync's re-evaluation of one device an MDM says changed (a Jamf Pro webhook): read from its MDM,
     * compared with the stored device, each change published, recorded and saved as {@link #run} does. A device the
     * MDM no longer manages is marked gone, as a completed listing without it would.
     *
     * @return the changes by kind, or empty when neither the MDM nor the store has the device
     */
    @Override
    public Optional<String> refresh(MdmKind mdm, String mdmId, Actor actor) {
        FleetInventory source = mdms.stream().filter(m -> m.mdm() == mdm).findFirst()
                .orElseThrow(() -> new IllegalStateException("this function is not connected to " + mdm.wireName()));
        Instant at = clock.instant();
        Run run = new Run(actor, false, at, false, period(at));
        Optional<InventoriedDevice> reported = source.device(policy.app(), mdmId);
        String id = mdm.wireName() + ":" + mdmId;
        if (reported.isPresent()) {
            try (SeenDevices seen = new SeenDevices()) {
                run.apply(List.of(reported.get()), byAddress(), seen);
            }
        } else {
            Optional<Device> stored = devices.find(id);
            if (stored.isEmpty()) return Optional.empty();
            if (!stored.get().retired()) run.commit(List.of(DeviceChanges.gone(policy.id(), stored.get(), run.now)), List.of(Save.plain(stored.get().withRetired(true))));
        }
        String changes = run.changeCounts.isEmpty() ? "none" : run.changeCounts.toString();
        return Optional.of(run.badInput.isEmpty() ? changes : changes + "; bad input: " + String.join("; ", run.badInput));
    }

    /**
     * What one pass over the stored devices, after the MDM listings, leaves for the registry: the owners of each
     * MAC the MDMs account for, and the registry devices stored before this run.
     */
    private static final class Sweep {
        final Map<MacAddress, Set<String>> managedMacOwners = new HashMap<>();
        final Set<String> storedRegistryDevices = new HashSet<>();
    }

    /** Lists one MDM into the store; false when the listing failed part-way (recorded in the run's failures). */
    private boolean list(FleetInventory mdm, Run run, Owners memberByAddress, SeenDevices seen) {
        String name = mdm.mdm().wireName();
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
            return false;
        }
        run.perMdm.put(name, count);
        return true;
    }

    /**
     * The registry's endpoints that no MDM device accounts for, as private unmanaged devices. The MACs the MDMs
     * account for are those seen in this run plus those of stored MDM devices not retired (which covers an MDM
     * whose listing failed this time). An endpoint registered by someone other than the owner of the MDM device
     * with the same MAC is a second device on that address: it is kept, so that network access sees two devices
     * sharing one MAC and reports them instead of acting on a guess.
     */
    private void syncRegistry(RegisteredDevices registry, Run run, Owners memberByAddress, Sweep sweep) {
        Map<MacAddress, Set<String>> managedMacOwners = sweep.managedMacOwners;
        run.mdmMacOwners.forEach((mac, owners) -> managedMacOwners.computeIfAbsent(mac, k -> new HashSet<>()).addAll(owners));
        Set<String> seen = new HashSet<>();
        int count = 0;
        int unclaimed = 0;
        List<RegisteredDevice> batch = new ArrayList<>(BATCH);
        try (Stream<RegisteredDevice> stream = registry.registered()) {
            Iterator<RegisteredDevice> it = stream.iterator();
            while (it.hasNext()) {
                RegisteredDevice endpoint = it.next();
                MacAddress mac = endpoint.mac();
                if (accountedFor(managedMacOwners.get(mac), endpoint, memberByAddress) || !seen.add(registryId(mac))) continue;
                if (endpoint.portalUser() == null) {
                    unclaimed++;
                    seen.remove(registryId(mac));
                    continue;
                }
                batch.add(endpoint);
                count++;
                if (batch.size() == BATCH) {
                    run.applyRegistered(batch, memberByAddress);
                    batch.clear();
                }
            }
            run.applyRegistered(batch, memberByAddress);
        } catch (RemoteFailure e) {
            run.applyRegistered(batch, memberByAddress);
            run.failures.add(REGISTRY + ": listing failed after " + count + " registered devices (" + e.kind() + "): " + e.getMessage());
            run.perMdm.put(REGISTRY, count);
            return;
        }
        run.perMdm.put(REGISTRY, count);
        if (unclaimed > 0) run.perMdm.put(REGISTRY + "-unregistered", unclaimed);
        sweep.storedRegistryDevices.removeAll(seen);
        run.markRegistryGone(sweep.storedRegistryDevices);
    }

    /** True when an MDM device with the endpoint's MAC belongs to whoever registered the endpoint (or nobody did). */
    private static boolean accountedFor(Set<String> mdmOwners, RegisteredDevice endpoint, Owners memberByAddress) {
        if (mdmOwners == null) return false;
        if (endpoint.portalUser() == null) return true;
        String registrant = memberByAddress.member(endpoint.portalUser());
        return registrant == null || mdmOwners.contains(registrant);
    }

    /**
     * Who the roster says an address names, as the sync asks it: the member whose email the address is, case aside
     * (inactive members included; of several, the last the roster gives).
     */
    public abstract static class Owners {
        /** The member id the address names, or null when none does. */
        abstract String member(String address);
    }

    /** The roster read whole, once: for a run whose work is the whole fleet (a manual sync). */
    Owners roster() {
        Map<String, String> index = new HashMap<>();
        for (Member m : members.all()) index.put(m.email().toLowerCase(Locale.ROOT), m.id());
        return new Owners() {
            @Override
            String member(String address) {
                return index.get(address.toLowerCase(Locale.ROOT));
            }
        };
    }

    /**
     * The roster asked an address at a time, by its address index ({@link MemberStore#withAddress}), each address once
     * for the life of this answer (a round's step): for the hourly round, which asks only about the devices whose owner
     * can have changed ({@link OwnerAddresses#ownerStands}), and a device refreshed alone (a Jamf webhook). An hour in
     * which no device is new, handed to someone else or due its period's stamp asks nothing.
     */
    public Owners byAddress() {
        Map<String, Optional<String>> asked = new HashMap<>();
        return new Owners() {
            @Override
            String member(String address) {
                String key = address.toLowerCase(Locale.ROOT);
                return asked.computeIfAbsent(key, k -> {
                    String found = null;
                    for (Member m : members.withAddress(address)) if (m.email().toLowerCase(Locale.ROOT).equals(k)) found = m.id();
                    return Optional.ofNullable(found);
                }).orElse(null);
            }
        };
    }

    /**
     * Keeps the fleet's size as a complete listing counted it ({@link FleetCount}), the first of each UTC day: network
     * access weighs an event's quarantines against it instead of reading the fleet. A later listing of the same day
     * finds the day's key used (one read) and writes nothing.
     *
     * @param countedAt when the listing began
     */
    public void counted(long devices, Instant countedAt, Actor actor) {
        FleetCount count = new FleetCount(devices, countedAt);
        if (ledger.usedKeys(List.of(count.key())).isEmpty()) ledger.append(count.record(clock.instant(), actor));
    }

    /** The state of one sync run. */
    final class Run {
        final Actor actor;
        final boolean dryRun;
        final Instant now;
        final Map<String, Integer> perMdm = new LinkedHashMap<>();
        final Map<String, Integer> changeCounts = new TreeMap<>();
        final List<SyncReport.UnknownOwner> unknownOwners = new ArrayList<>();
        /** This batch's unknown-owner records, appended by {@link #commit} unless an earlier sync recorded them. */
        final List<LedgerRecord> unrecordedOwners = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        /** Normalised MACs of the devices the MDMs reported in this run (kept only when {@code rememberMacs}). */
        final Map<MacAddress, Set<String>> mdmMacOwners = new HashMap<>();
        /** What the MDMs reported that could not be read, naming the device (kept without the field). */
        final List<String> badInput = new ArrayList<>();
        final boolean rememberMacs;
        /** The stamp period of this run (a round's, fixed when it started, however long its steps take). */
        final long period;
        int saved;
        /** Writes dropped because another sync had stamped the device since it was read (left to that sync). */
        int overtaken;
        int gone;
        /** Registry endpoints nobody registered in the portal (counted, not stored). */
        int unregistered;
        /** Devices listed and kept as live devices (the MDMs' and the registry's stored endpoints): the fleet's count. */
        int counted;

        Run(Actor actor, boolean dryRun, Instant now, boolean rememberMacs, long period) {
            this.actor = actor;
            this.dryRun = dryRun;
            this.now = now;
            this.rememberMacs = rememberMacs;
            this.period = period;
        }

        int apply(List<InventoriedDevice> batch, Owners memberByAddress, SeenDevices seen) {
            if (batch.isEmpty()) return 0;
            // By key, the page in hand only; eventually consistent (half the read units): a read a moment old can
            // only make this write again what it writes anyway.
            Map<String, DeviceStore.Listed> stored = devices.findListed(batch.stream().map(InventoriedDevice::deviceId).toList(), false);
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Save> toSave = new ArrayList<>();
            for (InventoriedDevice reported : batch) {
                if (seen != null) seen.add(reported.deviceId());
                MacAddress mac = reported.macAddress();
                reported.problems().forEach(p -> badInput.add(reported.mdm().wireName() + " device " + reported.mdmId() + ": " + p));
                DeviceStore.Listed listed = stored.get(reported.deviceId());
                String addresses = OwnerAddresses.fingerprint(reported.ownerEmail(), reported.ownerPrincipal());
                String owner = ownerOf(reported.deviceId(), reported.ownerEmail(), reported.ownerPrincipal(), addresses, listed, memberByAddress);
                if (mac != null && rememberMacs) mdmMacOwners.computeIfAbsent(mac, k -> new HashSet<>()).add(owner);
                Optional<Device> before = Optional.ofNullable(listed).map(DeviceStore.Listed::device);
                Device reportedNow = reported.toDevice(owner, reported.lastCheckIn() != null ? reported.lastCheckIn()
                        : before.map(Device::lastSeen).orElse(now));
                boolean writtenAnyway = Save.restampDue(period, listed) || !Save.ownerKept(listed, addresses);
                Device fresh = CheckIns.toStore(before, reportedNow, writtenAnyway);
                changes.addAll(DeviceChanges.between(policy.id(), before, fresh, now));
                Save save = Save.listed(fresh, reported.mdm().wireName(), period, listed, addresses);
                if (before.isEmpty() || !before.get().equals(fresh) || writtenAnyway) toSave.add(save);
            }
            commit(changes, toSave);
            counted += batch.size();
            return batch.size();
        }

        /**
         * One pass over the stored devices: those of a completely listed MDM that it did not list are gone (saved
         * retired a batch at a time, as the store hands them over); what the registry needs is gathered on the way.
         * One scan of the table for the whole sync, not one per MDM and two more for the registry.
         */
        Sweep sweep(Map<MdmKind, SeenDevices> listed, boolean forRegistry) {
            Sweep sweep = new Sweep();
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Save> toSave = new ArrayList<>();
            devices.forEach(d -> {
                if (d.retired()) return;
                SeenDevices seen = listed.get(d.mdm());
                if (seen != null && !seen.contains(d.id())) {
                    changes.add(DeviceChanges.gone(policy.id(), d, now));
                    toSave.add(Save.plain(d.withRetired(true)));
                    if (toSave.size() == BATCH) {
                        commit(List.copyOf(changes), List.copyOf(toSave));
                        changes.clear();
                        toSave.clear();
                    }
                } else if (!forRegistry) {
                    return;
                } else if (d.id().startsWith(REGISTRY_PREFIX)) {
                    sweep.storedRegistryDevices.add(d.id());
                } else if (d.mdm() != MdmKind.NONE && d.macAddress() != null) {
                    sweep.managedMacOwners.computeIfAbsent(d.macAddress(), k -> new HashSet<>()).add(d.owner());
                }
            });
            commit(changes, toSave);
            return sweep;
        }

        void applyRegistered(List<RegisteredDevice> batch, Owners memberByAddress) {
            if (batch.isEmpty()) return;
            applyRegistered(batch, memberByAddress, devices.findListed(batch.stream().map(e -> registryId(e.mac())).toList(), false));
        }

        /** The registry's endpoints as private unmanaged devices, compared with {@code stored} (their ids' stored devices). */
        void applyRegistered(List<RegisteredDevice> batch, Owners memberByAddress, Map<String, DeviceStore.Listed> stored) {
            if (batch.isEmpty()) return;
            List<String> ids = batch.stream().map(e -> registryId(e.mac())).toList();
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Save> toSave = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                RegisteredDevice endpoint = batch.get(i);
                String id = ids.get(i);
                DeviceStore.Listed listed = stored.get(id);
                String addresses = OwnerAddresses.fingerprint(endpoint.portalUser(), null);
                String owner = ownerOf(id, endpoint.portalUser(), null, addresses, listed, memberByAddress);
                Optional<Device> before = Optional.ofNullable(listed).map(DeviceStore.Listed::device);
                // The NAC says nothing of when the device was last on the network; first seen by this sync it is.
                Device fresh = new Device(id, owner, Ownership.PRIVATE, Platform.OTHER, before.map(Device::model).orElse(null), false,
                        MdmKind.NONE, null, endpoint.mac(), AppPresence.UNKNOWN, ComplianceState.NOT_ENROLLED,
                        before.filter(d -> !d.retired()).map(Device::lastSeen).orElse(now), false);
                changes.addAll(DeviceChanges.between(policy.id(), before, fresh, now));
                Save save = Save.listed(fresh, REGISTRY, period, listed, addresses);
                if (before.isEmpty() || !before.get().equals(fresh) || save.restamps() || !Save.ownerKept(listed, addresses)) toSave.add(save);
            }
            commit(changes, toSave);
            counted += batch.size();
        }

        /**
         * A page of the registry in a round, where no pass over the fleet says which MACs the MDMs account for: an
         * endpoint's MAC is looked up in the MAC index (a Query, then the few devices by key) when its device was not
         * yet stored and checked in this period; a device checked this period is compared as it stands. So the lookup
         * is once a period an endpoint, not once an hour, and an MDM that enrols a registered phone takes the
         * registry's device out of the listing within a period (it is then not stamped, and found gone).
         */
        void applyRegistryPage(List<RegisteredDevice> page, Owners memberByAddress) {
            if (page.isEmpty()) return;
            Map<String, DeviceStore.Listed> stored = devices.findListed(page.stream().map(e -> registryId(e.mac())).toList(), false);
            List<RegisteredDevice> keep = new ArrayList<>();
            for (RegisteredDevice endpoint : page) {
                if (endpoint.portalUser() == null) {
                    // Nobody registered it (a corporate device, a printer): nobody to hold to the policy.
                    unregistered++;
                    continue;
                }
                DeviceStore.Listed listed = stored.get(registryId(endpoint.mac()));
                boolean checked = listed != null && !listed.device().retired() && listed.period() >= period;
                if (!checked && accountedForByMac(endpoint, memberByAddress)) continue;
                keep.add(endpoint);
            }
            applyRegistered(keep, memberByAddress, stored);
        }

        /**
         * {@link #accountedFor} for an endpoint, by the MDM devices (not retired) holding its MAC, found by the MAC index.
         * An endpoint registered under the email its MDM device's owner was named by is that owner's (or nobody's, as
         * the owner is), which the devices' stored fingerprints tell without asking the roster; any other registrant is
         * looked up.
         */
        private boolean accountedForByMac(RegisteredDevice endpoint, Owners roster) {
            Set<String> ids = new HashSet<>(devices.idsWithMac(endpoint.mac()));
            ids.removeIf(id -> id.startsWith(REGISTRY_PREFIX));
            if (ids.isEmpty()) return false;
            Set<String> owners = new HashSet<>();
            boolean registeredByOwner = false;
            for (DeviceStore.Listed l : devices.findListed(ids, false).values()) {
                Device d = l.device();
                if (d.retired() || d.mdm() == MdmKind.NONE) continue;
                owners.add(d.owner());
                if (OwnerAddresses.emailIs(l.owner(), endpoint.portalUser())) registeredByOwner = true;
            }
            if (owners.isEmpty()) return false;
            return registeredByOwner || accountedFor(owners, endpoint, roster);
        }

        /**
         * Candidates a source's stamps index gave as not listed since an earlier period: each read again by key,
         * consistently, and marked gone only if it still carries that source's stamp from before this run's period and
         * is not retired (the index lags its table; a device another sync has listed since is left alone). The write
         * is conditional on the stamp read, so a device relisted in between is not retired either.
         */
        void markStale(String source, List<String> ids) {
            if (ids.isEmpty()) return;
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Save> toSave = new ArrayList<>();
            for (DeviceStore.Listed l : devices.findListed(ids, true).values()) {
                Device d = l.device();
                if (d.retired() || l.period() == 0 || l.period() >= period || !source.equals(sourceOf(d))) continue;
                changes.add(DeviceChanges.gone(policy.id(), d, now));
                toSave.add(new Save(d.withRetired(true), source, 0, l.period(), null));
                gone++;
            }
            commit(changes, toSave);
        }

        /** The registry devices stored before this run that its listing no longer has (usually none: one read). */
        void markRegistryGone(Set<String> unseen) {
            if (unseen.isEmpty()) return;
            List<DeviceStatusChanged> changes = new ArrayList<>();
            List<Save> toSave = new ArrayList<>();
            for (Device d : devices.findAll(unseen).values()) {
                if (d.retired()) continue;
                changes.add(DeviceChanges.gone(policy.id(), d, now));
                toSave.add(Save.plain(d.withRetired(true)));
            }
            commit(changes, toSave);
        }

        private void commit(List<DeviceStatusChanged> changes, List<Save> toSave) {
            changes.forEach(c -> changeCounts.merge(c.change().wireName(), 1, Integer::sum));
            if (dryRun) return;
            recordUnknownOwners();
            if (!changes.isEmpty()) events.publish(changes);
            // Each entry names its device's ownership, so that the campaign's counters can move the devices carrying
            // the app by ownership from the entry alone (CampaignTally.CARRYING; the digest's burndown reads them).
            Map<String, Ownership> ownership = new HashMap<>();
            for (Save s : toSave) ownership.put(s.device().id(), s.device().ownership());
            for (DeviceStatusChanged c : changes) {
                ledger.append(new LedgerRecord(now, actor, c.member().startsWith(UNKNOWN) ? null : c.member(), c.device(),
                        "inventory." + c.change().wireName(), "ok", false,
                        "inventory/" + c.device() + "/" + c.change().wireName() + "/" + stateKey(c),
                        details(c, ownership.get(c.device()))));
            }
            for (Save s : toSave) {
                if (s.source() == null) {
                    devices.save(s.device());
                    saved++;
                } else if (devices.saveListed(s.device(), s.source(), s.period(), s.storedPeriod(), s.owner())) {
                    saved++;
                } else {
                    overtaken++;
                }
            }
        }

        /**
         * The device's owner: the stored device's where its owner stands ({@link OwnerAddresses#ownerStands}: same
         * addresses, stamped this period), with no question to the roster; otherwise the roster's answer.
         */
        private String ownerOf(String deviceId, String email, String principal, String addresses, DeviceStore.Listed listed, Owners roster) {
            if (listed != null && OwnerAddresses.ownerStands(listed.device(), listed.owner(), listed.period(), addresses, period)) {
                String owner = listed.device().owner();
                // Still reported each hour; its ledger entry was written before the device was first saved so.
                if (owner.startsWith(UNKNOWN)) unknownOwners.add(new SyncReport.UnknownOwner(deviceId, owner.substring(UNKNOWN.length())));
                return owner;
            }
            return owner(deviceId, email, principal, roster);
        }

        private String owner(String deviceId, String email, String principal, Owners memberByAddress) {
            for (String address : new String[] {email, principal}) {
                if (address == null) continue;
                String id = memberByAddress.member(address);
                if (id != null) return id;
            }
            String reported = email != null ? email : principal != null ? principal : "none";
            unknownOwners.add(new SyncReport.UnknownOwner(deviceId, reported));
            if (!dryRun) {
                unrecordedOwners.add(new LedgerRecord(now, actor, null, deviceId, "inventory.unknown-owner", "reported", false,
                        "inventory/unknown-owner/" + deviceId + "/" + reported, Map.of("reportedOwner", reported)));
            }
            return UNKNOWN + reported;
        }

        /**
         * Records the batch's unknown owners that no earlier sync recorded. The same devices come back unowned
         * sync after sync, so their keys are looked up together (one read per hundred) and only the new ones
         * appended, instead of an append (two reads when already recorded) each.
         */
        private void recordUnknownOwners() {
            if (unrecordedOwners.isEmpty()) return;
            Set<String> recorded = ledger.usedKeys(unrecordedOwners.stream().map(LedgerRecord::idempotencyKey).toList());
            for (LedgerRecord r : unrecordedOwners) if (!recorded.contains(r.idempotencyKey())) ledger.append(r);
            unrecordedOwners.clear();
        }
    }

    /**
     * A write of one device: with its source's stamp ({@code source} set; only if the stored stamp is still
     * {@code storedPeriod}) or plainly (a run that does not stamp: the full run's gone devices).
     */
    record Save(Device device, String source, long period, long storedPeriod, String owner) {
        static Save plain(Device d) {
            return new Save(d, null, 0, 0, null);
        }

        /**
         * The device as listed in {@code period}, with the fingerprint of its owner's addresses; a stamp never goes
         * back, so a later one stored is kept.
         */
        static Save listed(Device fresh, String source, long period, DeviceStore.Listed stored, String owner) {
            long was = stored == null ? 0 : stored.period();
            return new Save(fresh, source, Math.max(period, was), was, owner);
        }

        /** The stored stamp is older than {@code period} (or there is none): the device is written for its stamp. */
        static boolean restampDue(long period, DeviceStore.Listed stored) {
            long was = stored == null ? 0 : stored.period();
            return Math.max(period, was) != was;
        }

        /** The stored device keeps the fingerprint of these addresses (else it is written to keep them). */
        static boolean ownerKept(DeviceStore.Listed stored, String owner) {
            return stored != null && java.util.Objects.equals(stored.owner(), owner);
        }

        /** True when the write is due for the stamp alone: the stored one is older than the period. */
        boolean restamps() {
            return source != null && period != storedPeriod;
        }
    }

    /** The source whose listing stamps a device: its MDM, or the NAC's registry for the devices only it knows. */
    static String sourceOf(Device d) {
        return d.id().startsWith(REGISTRY_PREFIX) ? REGISTRY : d.mdm().wireName();
    }

    /** Owner of a device whose MDM names nobody on the roster: kept so it is not lost, and reported. */
    public static final String UNKNOWN = "unknown:";

    /** Identifies the transition, so a retry of the same sync records it once, and a later identical change again. */
    private static String stateKey(DeviceStatusChanged c) {
        return (c.before() == null ? "none" : c.before().appPresence() + "-" + c.before().compliance())
                + ">" + (c.after() == null ? "gone" : c.after().appPresence() + "-" + c.after().compliance())
                + "@" + c.at().toString().substring(0, 13);
    }

    private static Map<String, String> details(DeviceStatusChanged c, Ownership ownership) {
        Map<String, String> d = new TreeMap<>();
        if (ownership != null) d.put("ownership", ownership.name());
        if (c.before() != null) d.put("before", c.before().appPresence() + "/" + c.before().compliance());
        if (c.after() != null) d.put("after", c.after().appPresence() + "/" + c.after().compliance());
        return d;
    }
}
