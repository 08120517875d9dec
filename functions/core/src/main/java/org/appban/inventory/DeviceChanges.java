package org.appban.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.inventory.DeviceStatusChanged.Change;
import org.appban.inventory.DeviceStatusChanged.State;

/**
 * What changed between the stored device and what the MDM reports now: only the changes other functions react to
 * (new device, gone, app appeared or disappeared, compliance changed). Other differences (a new model name, a new
 * MAC) are stored without an event. Pure.
 */
public final class DeviceChanges {
    private DeviceChanges() {
    }

    public static List<DeviceStatusChanged> between(String policy, Optional<Device> stored, Device fresh, Instant at) {
        List<DeviceStatusChanged> changes = new ArrayList<>();
        State after = state(fresh);
        if (stored.isEmpty() || stored.get().retired()) {
            changes.add(new DeviceStatusChanged(policy, fresh.id(), fresh.owner(), Change.NEW_DEVICE, at, null, after));
            return changes;
        }
        Device before = stored.get();
        State was = state(before);
        if (before.appPresence() != fresh.appPresence() && fresh.appPresence() != AppPresence.UNKNOWN) {
            Change c = fresh.appPresence() == AppPresence.PRESENT ? Change.APP_APPEARED : Change.APP_DISAPPEARED;
            if (before.appPresence() != AppPresence.UNKNOWN || c == Change.APP_APPEARED) {
                changes.add(new DeviceStatusChanged(policy, fresh.id(), fresh.owner(), c, at, was, after));
            }
        }
        if (before.compliance() != fresh.compliance()) {
            changes.add(new DeviceStatusChanged(policy, fresh.id(), fresh.owner(), Change.COMPLIANCE_CHANGED, at, was, after));
        }
        return changes;
    }

    public static DeviceStatusChanged gone(String policy, Device stored, Instant at) {
        return new DeviceStatusChanged(policy, stored.id(), stored.owner(), Change.DEVICE_GONE, at, state(stored), null);
    }

    static State state(Device d) {
        return new State(d.appPresence(), d.compliance());
    }
}
