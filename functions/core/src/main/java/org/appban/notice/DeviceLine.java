package org.appban.notice;

import java.time.Instant;
import java.util.Objects;
import org.appban.domain.Device;
import org.appban.domain.Exemption;

/**
 * One of the member's devices as a notice lists it.
 *
 * @param when      when the fate takes effect: the deadline (MDM removal), the end of the private grace period
 *                  (network access), the exemption's expiry (exempt); null when nothing happens (clean)
 * @param exemption the exemption that covers the device, only for {@link DeviceFate#EXEMPT}
 */
public record DeviceLine(Device device, DeviceFate fate, Instant when, Exemption exemption) {
    public DeviceLine {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(fate, "fate");
        if (fate == DeviceFate.EXEMPT && exemption == null) throw new IllegalArgumentException("an exempt line names its exemption");
    }
}
