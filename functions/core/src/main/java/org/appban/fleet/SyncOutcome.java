package org.appban.fleet;

/** The result of asking one device to check in. */
public record SyncOutcome(String mdmId, Status status, String detail) {
    public enum Status {
        /** The MDM accepted the request; the device applies pending changes at its check-in. */
        REQUESTED,
        NOT_FOUND,
        FAILED
    }
}
