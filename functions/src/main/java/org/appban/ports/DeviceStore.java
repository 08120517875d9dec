package org.appban.ports;

import java.util.List;
import java.util.Optional;
import org.appban.domain.Device;

/** The inventory as the last sync saw it. */
public interface DeviceStore {
    Optional<Device> find(String id);

    List<Device> ofOwner(String memberId);

    List<Device> all();

    void save(Device device);
}
