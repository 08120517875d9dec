package org.appban.enforce;

import org.appban.domain.MdmKind;

/**
 * One corporate device in the report.
 *
 * @param reinstallBlocked whether the MDM stops the app coming back on this device
 * @param reinstallDetail  why it cannot, when it cannot
 */
public record DeviceVerdict(String device, String member, MdmKind mdm, String label, DeviceStatus status, String detail,
                            boolean reinstallBlocked, String reinstallDetail) {

    DeviceVerdict withReinstallUnsupported(String why) {
        return new DeviceVerdict(device, member, mdm, label, status, detail, false, why);
    }
}
