package org.appban.enforce;

import java.time.Instant;

/**
 * What earlier runs left on record about one device (ledger and claims), as the planner needs it.
 *
 * @param removalStarted a run already started this device's removal (so it is no longer "new" for the blast radius)
 * @param syncToday      today's check-in request: null when none yet, else its outcome ({@code requested},
 *                       {@code not-found}, {@code failed:...}) or {@code in-flight} while a worker holds it
 * @param syncAt         when today's check-in was requested (null when none)
 * @param escalated      the device was escalated since it came into scope
 */
public record DeviceHistory(boolean removalStarted, String syncToday, Instant syncAt, boolean escalated) {
    public static final DeviceHistory NONE = new DeviceHistory(false, null, null, false);

    boolean syncFailed() {
        return syncToday != null && (syncToday.startsWith("failed") || syncToday.equals("not-found"));
    }
}
