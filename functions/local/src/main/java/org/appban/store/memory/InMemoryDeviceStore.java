package org.appban.store.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.appban.domain.Device;
import org.appban.ports.DeviceStore;

/** Embedded adapter for the rehearsal and unit tests. */
public final class InMemoryDeviceStore implements DeviceStore {
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    @Override
    public Optional<Device> find(String id) {
        return Optional.ofNullable(devices.get(id));
    }

    @Override
    public List<Device> ofOwner(String memberId) {
        return all().stream().filter(d -> d.owner().equals(memberId)).toList();
    }

    @Override
    public List<Device> all() {
        List<Device> list = new ArrayList<>(devices.values());
        list.sort(Comparator.comparing(Device::id));
        return list;
    }

    @Override
    public void save(Device device) {
        devices.put(device.id(), device);
    }
}
