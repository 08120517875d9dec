package org.appban.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MacAddress;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;

/**
 * A device as an MDM reports it. The owner is given as the MDM knows them (email, UPN); resolving that to a
 * member is the caller's job.
 *
 * @param mdmId        the id the MDM's other endpoints take (Intune managedDevice id; Jamf mobile device id)
 * @param appPresence  for corporate devices, whether the banned app was in the device's last reported inventory;
 *                     always UNKNOWN for private devices, whose app lists are never requested
 * @param compliance   the MDM's compliance verdict (UNKNOWN where the MDM has none)
 * @param evidence     where appPresence came from, for the audit record (e.g. {@code detectedApps:TikTok/ios})
 * @param problems     what of the MDM's record could not be read, field by field (a malformed MAC, say): the device
 *                     is kept without that field rather than dropped, and the sync reports the problem naming it
 */
public record InventoriedDevice(
        MdmKind mdm,
        String mdmId,
        String ownerEmail,
        String ownerPrincipal,
        Ownership ownership,
        Platform platform,
        String model,
        boolean supervised,
        MacAddress macAddress,
        ComplianceState compliance,
        AppPresence appPresence,
        Instant lastCheckIn,
        String serialNumber,
        String evidence,
        List<String> problems) {

    public InventoriedDevice {
        Objects.requireNonNull(mdm, "mdm");
        Objects.requireNonNull(mdmId, "mdmId");
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(compliance, "compliance");
        Objects.requireNonNull(appPresence, "appPresence");
        problems = List.copyOf(problems);
        if (ownership == Ownership.PRIVATE && appPresence != AppPresence.UNKNOWN) {
            throw new IllegalArgumentException(mdm.wireName() + " device " + mdmId + ": the app list of a private device is never collected");
        }
    }

    /**
     * The MAC an MDM reported in {@code field}: absent when the MDM gave none; when it gave text that is not a MAC,
     * absent too, with the problem added to {@code problems} (the device is still inventoried, without a MAC).
     */
    public static MacAddress mac(String field, String reported, List<String> problems) {
        try {
            return MacAddress.parseOptional(reported).orElse(null);
        } catch (MacAddress.Malformed e) {
            problems.add(field + ": " + e.getMessage());
            return null;
        }
    }

    /** The id this device gets in the device store: stable across syncs, unique across MDMs. */
    public String deviceId() {
        return mdm.wireName() + ":" + mdmId;
    }

    /** The domain device, once the caller has resolved the owner to a member. */
    public Device toDevice(String ownerMemberId, Instant seenAt) {
        return new Device(deviceId(), ownerMemberId, ownership, platform, model, supervised, mdm, mdmId, macAddress, appPresence,
                compliance, seenAt, false);
    }
}
