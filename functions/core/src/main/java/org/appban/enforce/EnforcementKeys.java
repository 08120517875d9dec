package org.appban.enforce;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The idempotency keys enforcement writes (ledger) and claims (side effects), in one place, because the planner's
 * history is read back through the same keys.
 */
public final class EnforcementKeys {
    private EnforcementKeys() {
    }

    /** Claim and ledger key of the day's check-in request: at most one per device per local day. */
    public static String sync(String deviceId, LocalDate day) {
        return "enforce/sync/" + deviceId + "/" + day;
    }

    /** Ledger key: the device's removal started (once per time it comes into scope). */
    public static String removalStarted(String deviceId, Instant inScopeSince, ZoneId zone) {
        return "enforce/removal-started/" + deviceId + "/" + inScopeSince.atZone(zone).toLocalDate();
    }

    /** Ledger key and notice occasion of an escalation (once per time the device comes into scope). */
    public static String escalated(String deviceId, Instant inScopeSince, ZoneId zone) {
        return "enforce/escalated/" + deviceId + "/" + inScopeSince.atZone(zone).toLocalDate();
    }

    /** Ledger key of a fleet-wide step of one run (a retried invocation of the same run records it once). */
    public static String fleetStep(String runId, String mdm, String step) {
        return "enforce/run/" + runId + "/" + mdm + "/" + step;
    }

    public static String run(String runId, String what) {
        return "enforce/run/" + runId + "/" + what;
    }

    public static String skipped(String runId, String deviceId, String kind) {
        return "enforce/run/" + runId + "/skipped/" + deviceId + "/" + kind;
    }
}
