package org.appban.sim.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A device in the scenario, as it really is (not as any MDM reports it).
 *
 * @param apps        identifiers of the apps installed when the scenario starts
 * @param mac         the Wi-Fi MAC address the network sees (upper case, colon separated), or null
 * @param compliance  the MDM's compliance state before any compliance rule is evaluated (Intune names), or null
 * @param checkIn     how often the device checks in with its MDM
 * @param enrollment  for Jamf: how a private device is enrolled (UserEnrollment by default)
 */
public record FleetDevice(
        String id,
        String owner,
        Ownership ownership,
        Platform platform,
        String model,
        boolean supervised,
        List<String> apps,
        String mac,
        Mdm mdm,
        String compliance,
        Duration checkIn,
        String serial,
        String enrollment) {

    public FleetDevice {
        apps = List.copyOf(apps);
    }

    public enum Ownership {
        CORPORATE, PRIVATE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Platform {
        IOS, ANDROID, WINDOWS, MACOS, OTHER;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Mdm {
        INTUNE, JAMF, NONE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
