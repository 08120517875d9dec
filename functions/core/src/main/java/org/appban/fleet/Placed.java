package org.appban.fleet;

/**
 * What {@link FleetEnforcement#place} did for one device.
 *
 * @param detail short and non-secret, for the ledger (e.g. {@code added to uninstall; removed from exempt})
 */
public record Placed(String mdmId, GroupPlacement placement, Status status, String detail) {
    public enum Status {
        /** The device's memberships were changed to the placement. */
        CHANGED,
        /** They already were as wanted: nothing was written. */
        IN_PLACE,
        /** The MDM does not know the device (gone since the inventory saw it): nothing to place. */
        NOT_FOUND,
        /** Not a device the MDM's groups hold (a Jamf Mac in a mobile device group): nothing to place. */
        NOT_APPLICABLE
    }
}
