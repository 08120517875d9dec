package org.appban.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A device that reaches the organisation's network, as the inventory last saw it.
 *
 * @param owner      member id of the device's owner
 * @param mdmId      the device's id in its MDM (null when not enrolled)
 * @param macAddress network identity used by the NAC (null when unknown); MACs of phones are randomised per
 *                   network, so the NAC adapter prefers {@code mdmId} where it can
 * @param appPresence always UNKNOWN for private devices
 * @param retired    no longer reported by the MDM (gone from the fleet); kept for the audit trail
 */
public record Device(
        String id,
        String owner,
        Ownership ownership,
        Platform platform,
        String model,
        boolean supervised,
        MdmKind mdm,
        String mdmId,
        MacAddress macAddress,
        AppPresence appPresence,
        ComplianceState compliance,
        Instant lastSeen,
        boolean retired) {

    public Device {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(mdm, "mdm");
        Objects.requireNonNull(appPresence, "appPresence");
        Objects.requireNonNull(compliance, "compliance");
        if (ownership == Ownership.PRIVATE && appPresence != AppPresence.UNKNOWN) {
            throw new IllegalArgumentException("device " + id + ": the app list of a private device is never recorded");
        }
    }

    public boolean isCorporate() {
        return ownership == Ownership.CORPORATE;
    }

    public boolean isPrivate() {
        return ownership == Ownership.PRIVATE;
    }

    public String label() {
        String name = model == null || model.isBlank() ? platform.displayName() + " device" : model;
        return name + " (" + platform.displayName() + ", " + ownership.wireName() + ")";
    }

    public Device withAppPresence(AppPresence presence) {
        return new Device(id, owner, ownership, platform, model, supervised, mdm, mdmId, macAddress, presence, compliance, lastSeen, retired);
    }

    public Device withCompliance(ComplianceState state) {
        return new Device(id, owner, ownership, platform, model, supervised, mdm, mdmId, macAddress, appPresence, state, lastSeen, retired);
    }

    public Device withRetired(boolean gone) {
        return new Device(id, owner, ownership, platform, model, supervised, mdm, mdmId, macAddress, appPresence, compliance, lastSeen, gone);
    }

    public Device withLastSeen(Instant seen) {
        return new Device(id, owner, ownership, platform, model, supervised, mdm, mdmId, macAddress, appPresence, compliance, seen, retired);
    }
}
