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
}
