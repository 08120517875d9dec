package org.appban.access;

import java.time.Instant;
import java.util.Objects;
import org.appban.domain.Device;
import org.appban.domain.Exemption;

/**
 * Everything the access rules look at for one device, loaded through the ports by the service.
 *
 * @param exemption      a granted, unexpired exemption that protects the device now, or null
 * @param attestedAt     when the device's owner last attested through a signed link that the app is gone from all
 *                       their private devices, or null if never
 * @param latestSighting the device's latest matched telemetry, or null if never seen
 * @param record         this function's own record of the device, or null if it never acted on it
 */
public record DeviceFacts(Device device, Exemption exemption, NetworkIdentity identity, Instant attestedAt,
                          Sighting latestSighting, AccessRecord record) {
    public DeviceFacts {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(identity, "identity");
    }

    /** True when this function holds the device in quarantine now (by its own record). */
    public boolean quarantinedByUs() {
        return record != null && record.quarantined();
    }
}
