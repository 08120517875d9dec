package org.appban.enforce;

import org.appban.domain.WireNamed;
import java.util.Locale;

/** Where the removal stands on one corporate device, as the report tells administrators. */
public enum DeviceStatus implements WireNamed {
    /** The MDM's inventory no longer shows the app (not merely: a command was accepted). */
    REMOVED,
    /** The uninstall is assigned (and a check-in requested); the inventory has not shown the app gone yet. */
    PENDING,
    /** Still there when it should not be (escalated), or the command failed; the detail says why. */
    FAILED,
    /** An exemption shields the device: nothing is done to it. */
    EXEMPT,
    /** The MDM cannot remove the app here (unsupervised iOS, unsupported platform, no MDM): left to compliance and network access. */
    NOT_BLOCKABLE,
    /** Before the deadline: the app is there and removal starts at the deadline. */
    SCHEDULED;

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
