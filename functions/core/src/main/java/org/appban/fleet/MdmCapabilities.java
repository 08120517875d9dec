package org.appban.fleet;

import java.util.Set;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Platform;

/**
 * What appban can do to the banned app on a corporate device through its MDM: remove it, and stop it coming back.
 * Pure; it encodes what the adapters and the platforms allow (see the adapters' and simulators' notes):
 * <ul>
 *   <li>an MDM removes a user-installed app only from supervised iOS devices and from Android (Intune);</li>
 *   <li>an install can be refused only on supervised iOS (Restrictions payload, blockedAppBundleIDs); on Android
 *       the adapter has no "app not allowed" control, so compliance and network access keep watch there;</li>
 *   <li>on a Mac no MDM command removes an app its user installed (Jamf Pro and Intune remove only what they
 *       installed; the app is not theirs), and neither adapter blocks a macOS app;</li>
 *   <li>Jamf Pro manages Apple devices only.</li>
 * </ul>
 * Where the adapter reports a step UNSUPPORTED at run time, the run overrides this table for that MDM.
 */
public final class MdmCapabilities {
    private MdmCapabilities() {
    }

    /**
     * @param removable  the MDM can take the app off the device
     * @param removalWhy why not, when it cannot
     * @param blockable  the MDM can stop the app being installed again
     * @param blockWhy   why not, when it cannot
     */
    public record Reach(boolean removable, String removalWhy, boolean blockable, String blockWhy) {
        static Reach neither(String why) {
            return new Reach(false, why, false, why);
        }
    }

    public static Reach of(Device device, Set<MdmKind> connected) {
        if (device.mdm() == MdmKind.NONE || device.mdmId() == null || device.mdmId().isBlank()) {
            return Reach.neither("not enrolled in an MDM");
        }
        if (!connected.contains(device.mdm())) {
            return Reach.neither("appban is not connected to " + device.mdm().wireName() + " (MDM_SECRET_ARN names another MDM)");
        }
        Platform p = device.platform();
        if (p == Platform.IOS) {
            if (device.supervised()) return new Reach(true, null, true, null);
            return Reach.neither("unsupervised iPhone or iPad: an MDM can neither remove an app the user installed nor block it");
        }
        if (p == Platform.MACOS && device.mdm() == MdmKind.JAMF) {
            return Reach.neither("Mac: no MDM command removes an app its user installed, and Jamf Pro cannot block it");
        }
        if (device.mdm() == MdmKind.JAMF) return Reach.neither("Jamf Pro manages Apple devices only");
        if (p == Platform.ANDROID) {
            return new Reach(true, null, false, "Android: reinstall cannot be blocked through Intune here; compliance and network access keep watch");
        }
        return Reach.neither(p.displayName() + ": the Intune adapter removes iOS and Android apps only");
    }
}
