package org.appban.enforce;

import org.appban.domain.WireNamed;
import java.time.Instant;
import java.util.Locale;
import org.appban.domain.MdmKind;

/**
 * Per-device work a run found due.
 *
 * @param newRemoval    this device's removal starts with this run (it counts towards the blast radius)
 * @param inScopeSince  when the device came into the ban's reach (deadline, or the end of its exemption)
 */
public record DeviceAction(Kind kind, String device, String member, MdmKind mdm, String mdmId, boolean newRemoval,
                           Instant inScopeSince, String why) {
    public enum Kind implements WireNamed {
        /** Ask the device to check in now, so the uninstall lands (at most once a day per device). */
        SYNC,
        /** Still there after the policy's days: record it, tell administrators and the member. */
        ESCALATE;

        @Override
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String text) {
            for (Kind k : values()) if (k.wireName().equals(text)) return k;
            throw new IllegalArgumentException("unknown device action '" + text + "' (expected sync or escalate)");
        }
    }
}
