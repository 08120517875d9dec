package org.appban.sim.world;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.appban.sim.fleet.FleetDevice;

/**
 * A device's live state in the simulated world: what is really installed, and what its MDM last heard from it.
 * Mutated only under the world's lock.
 */
public final class SimDevice {
    private final FleetDevice spec;
    final Set<String> apps = new LinkedHashSet<>();
    final Set<String> reportedApps = new LinkedHashSet<>();
    boolean present;
    boolean enrolled;
    String compliance;
    Instant lastCheckIn;
    Instant nextCheckIn;
    Instant enrolledAt;
    Instant noncompliantSince;
    private final String intuneId;
    private final String entraObjectId;
    private final String entraDeviceId;
    private final String managementId;
    private final int jamfId;

    SimDevice(FleetDevice spec, int jamfId) {
        this.spec = spec;
        this.apps.addAll(spec.apps());
        this.reportedApps.addAll(spec.apps());
        this.compliance = spec.compliance();
        this.intuneId = uuid("intune-managed-device:" + spec.id());
        this.entraObjectId = uuid("entra-object:" + spec.id());
        this.entraDeviceId = uuid("entra-device:" + spec.id());
        this.managementId = uuid("jamf-management:" + spec.id());
        this.jamfId = jamfId;
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    public FleetDevice spec() {
        return spec;
    }

    public String id() {
        return spec.id();
    }

    public boolean corporate() {
        return spec.ownership() == FleetDevice.Ownership.CORPORATE;
    }

    public boolean present() {
        return present;
    }

    public boolean enrolled() {
        return enrolled;
    }

    public boolean enrolledIn(FleetDevice.Mdm mdm) {
        return present && enrolled && spec.mdm() == mdm;
    }

    /** What is really on the device now. */
    public Set<String> apps() {
        return Set.copyOf(apps);
    }

    /** The app inventory the device sent at its last check-in. */
    public Set<String> reportedApps() {
        return Set.copyOf(reportedApps);
    }

    public String compliance() {
        return compliance;
    }

    public Instant lastCheckIn() {
        return lastCheckIn;
    }

    public Instant enrolledAt() {
        return enrolledAt;
    }

    /** Intune's managedDevice id. */
    public String intuneId() {
        return intuneId;
    }

    /** The Entra ID directory object id (what group membership references). */
    public String entraObjectId() {
        return entraObjectId;
    }

    /** Entra's deviceId, which Intune reports as azureADDeviceId. */
    public String entraDeviceId() {
        return entraDeviceId;
    }

    /** Jamf Pro's id of the device: its computer id for a Mac, its mobile device id otherwise (two separate series). */
    public int jamfId() {
        return jamfId;
    }

    /** A Mac managed by Jamf Pro: in Jamf's computer inventory, not its mobile devices. */
    public boolean jamfComputer() {
        return spec.mdm() == FleetDevice.Mdm.JAMF && spec.platform() == FleetDevice.Platform.MACOS;
    }

    /** Jamf Pro's management id (addresses MDM commands). */
    public String managementId() {
        return managementId;
    }

    public String serial() {
        if (spec.serial() != null) return spec.serial();
        return "SIM" + Integer.toHexString(spec.id().hashCode()).toUpperCase(java.util.Locale.ROOT);
    }
}
