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
}
