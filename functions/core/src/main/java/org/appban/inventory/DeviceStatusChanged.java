package org.appban.inventory;

import java.time.Instant;
import java.util.Locale;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;

/**
 * The event inventory sync publishes (EventBridge, source {@value #SOURCE}, detail-type {@value #DETAIL_TYPE}) for
 * each real change in a device's state; notify-members and network-access react to it. Its {@code detail} is
 * written and read by {@code DeviceStatusChangedJson} in adapters.
 *
 * @param change what changed
 * @param before the device's app presence and compliance before (null for a new device)
 * @param after  the same after (null for a device gone from the MDM)
 */
public record DeviceStatusChanged(
        String policy,
        String device,
        String member,
        Change change,
        Instant at,
        State before,
        State after) {

    public static final String SOURCE = "appban.inventory";
    public static final String DETAIL_TYPE = "DeviceStatusChanged";

    public enum Change {
        NEW_DEVICE, DEVICE_GONE, APP_APPEARED, APP_DISAPPEARED, COMPLIANCE_CHANGED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Change parse(String s) {
            for (Change c : values()) if (c.wireName().equals(s)) return c;
            throw new IllegalArgumentException("unknown change '" + s + "'");
        }
    }

    public record State(AppPresence appPresence, ComplianceState compliance) {
    }
}
