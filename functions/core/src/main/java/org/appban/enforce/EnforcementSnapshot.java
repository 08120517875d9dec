package org.appban.enforce;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.MdmKind;
import org.appban.policy.BanPolicy;

/**
 * Everything the planner decides from: no I/O behind it.
 *
 * @param devices    the device store as the last inventory sync left it (appPresence is the MDM's inventory)
 * @param history    per device id, what earlier runs recorded (absent: nothing)
 * @param connected  the MDMs appban has adapters for in this deployment
 */
public record EnforcementSnapshot(BanPolicy policy, List<Device> devices, List<Exemption> exemptions,
                                  Map<String, DeviceHistory> history, Set<MdmKind> connected, Instant now) {
    public EnforcementSnapshot {
        devices = List.copyOf(devices);
        exemptions = List.copyOf(exemptions);
        history = Map.copyOf(history);
        connected = Set.copyOf(connected);
    }

    DeviceHistory historyOf(String deviceId) {
        return history.getOrDefault(deviceId, DeviceHistory.NONE);
    }
}
