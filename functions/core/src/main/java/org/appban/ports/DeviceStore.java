package org.appban.ports;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;

/** The inventory as the last sync saw it. */
public interface DeviceStore {
    Optional<Device> find(String id);

    /** The stored devices among {@code ids}, by id (absent ids are left out). Adapters batch the reads. */
    default Map<String, Device> findAll(Collection<String> ids) {
        Map<String, Device> found = new HashMap<>();
        for (String id : ids) find(id).ifPresent(d -> found.put(id, d));
        return found;
    }

    List<Device> ofOwner(String memberId);

    List<Device> all();

    /**
     * The ids of the stored devices with this MAC, retired ones included: what a run over a few devices needs to tell
     * whether a device's MAC is its own on the network without reading the whole inventory. Adapters with an index
     * on the MAC override this full read.
     */
    default Set<String> idsWithMac(MacAddress mac) {
        return all().stream().filter(d -> mac.equals(d.macAddress())).map(Device::id).collect(Collectors.toSet());
    }

    /**
     * Every stored device, handed over as the store reads them (a page at a time where the store pages), so that a
     * caller walking a large inventory does not hold it all. Order is the store's.
     */
    default void forEach(Consumer<Device> action) {
        all().forEach(action);
    }

    void save(Device device);

    /**
     * The corporate devices still carrying the app (present, or non-compliant with the restricted-app rule), not
     * retired: what the administrators' digest lists past the deadline (escalated, or with no removal under way).
     * Adapters keep these in a sparse index, so the read follows the devices still to clean, not the fleet.
     */
    default List<Device> carryingCorporate() {
        return all().stream().filter(DeviceStore::carryingCorporate).toList();
    }

    /** Whether a device belongs in {@link #carryingCorporate()}. */
    static boolean carryingCorporate(Device d) {
        return d.isCorporate() && !d.retired()
                && (d.appPresence() == org.appban.domain.AppPresence.PRESENT || d.compliance() == org.appban.domain.ComplianceState.NONCOMPLIANT);
    }

    /**
     * One page of a part of the inventory, for a round that works through the fleet across invocations and workers
     * (network access's daily run): the devices of part {@code part} of {@code parts} (disjoint, together the whole
     * inventory) that come after {@code after} (null: from the start), at most {@code limit}, in the part's order.
     * {@code after} is a position, not an item: a device since removed still marks where the part stands, and the
     * page starts at the next one. Adapters override this to read one page, not the inventory.
     */
    default Page page(int part, int parts, String after, int limit) {
        MemberStore.Page.check(part, parts, limit);
        List<Device> in = all().stream()
                .filter(d -> Math.floorMod(d.id().hashCode(), parts) == part)
                .filter(d -> after == null || d.id().compareTo(after) > 0)
                .sorted(java.util.Comparator.comparing(Device::id))
                .toList();
        return new Page(in.subList(0, Math.min(limit, in.size())), in.size() <= limit);
    }

    /** A page of a part of the inventory, in the part's order; {@code last}: nothing of the part comes after it. */
    record Page(List<Device> devices, boolean last) {
        public Page {
            devices = List.copyOf(devices);
        }
    }

    // The inventory sync's stamps. Each sync of a source (an MDM, the NAC's registry) runs in a period (a day by
    // default): a device the source lists carries the latest period it was listed in, and is written for that at most
    // once a period unless it changed. After a source's listing completed in period P, its devices stamped before P
    // are those it did not list: the candidates for "gone", found by an index of the stamps, never by reading the fleet.

    /** The partitions of each source's stamps: a period's restamping spreads its writes over this many. */
    int STAMP_SHARDS = 16;

    /** The shard of a device's stamp (String.hashCode is specified, so every JVM agrees). */
    static int stampShard(String id) {
        return Math.floorMod(id.hashCode(), STAMP_SHARDS);
    }

    /**
     * A stored device and the latest sync period its source listed it in.
     *
     * @param period 0 when it carries no stamp: retired, saved by another path than the sync, or stored before stamps
     * @param owner  the fingerprint of the addresses its source named its owner by when the owner was looked up
     *               ({@link org.appban.inventory.OwnerAddresses}), or null: none kept with the stamp
     */
    record Listed(Device device, long period, String owner) {
        public Listed(Device device, long period) {
            this(device, period, null);
        }
    }

    /**
     * The stored devices among {@code ids} with their stamps. {@code consistent}: a strongly consistent read, for a
     * decision that must see the last write (a "gone"); otherwise the store may answer from a read a moment old
     * (cheaper: the hourly comparison tolerates it, since a stale answer only writes again what it writes anyway).
     */
    Map<String, Listed> findListed(Collection<String> ids, boolean consistent);

    /**
     * Saves a device its source listed in {@code period}, if its stamp is still {@code storedPeriod} (what the caller
     * read; 0: none): a write decided on a read that another sync has overtaken since is dropped (false), so a stamp
     * never goes back (a round of an earlier period finishing late) and a device relisted meanwhile is not marked gone
     * on a stale read. A retired device is saved without a stamp: it leaves every source's candidates. {@link #save}
     * also drops the stamp (the next listing stamps the device again).
     *
     * @return false when the stamp had moved, and nothing was written
     */
    boolean saveListed(Device device, String source, long period, long storedPeriod);

    /**
     * {@link #saveListed(Device, String, long, long)}, keeping with the stamp the fingerprint of the addresses the
     * source named the owner by ({@code owner}; null: none), which {@link #findListed} gives back: the next listing
     * then asks the roster only if they changed. Dropped with the stamp (a retired device, a plain {@link #save}).
     * A store that keeps no fingerprint drops it: the sync then asks the roster about the device at every listing.
     */
    default boolean saveListed(Device device, String source, long period, long storedPeriod, String owner) {
        return saveListed(device, source, period, storedPeriod);
    }

    /**
     * A page of the ids of the devices {@code source} stamped before period {@code before}, in one of its shards, from
     * position {@code after} (null: the start): the devices its listings have not returned since. {@code after} is a
     * position (the page's {@code next}), so a device restamped meanwhile does not lose the place.
     */
    StalePage stale(String source, int shard, long before, String after, int limit);

    /** Ids of stale candidates, and where the shard goes on ({@code next}, null: the shard is done). */
    record StalePage(List<String> ids, String next) {
        public StalePage {
            ids = List.copyOf(ids);
        }
    }
}
