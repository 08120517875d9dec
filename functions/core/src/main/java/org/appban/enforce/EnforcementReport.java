package org.appban.enforce;

import java.util.List;
import java.util.Map;
import org.appban.domain.MdmKind;

/**
 * What a run decided and did, for administrators (and the rehearsal's report).
 *
 * @param at             when the run decided (ISO-8601 instant)
 * @param deadline       the policy's deadline, in its zone
 * @param status         {@code done}, {@code dry-run}, {@code stopped} (kill switch), {@code needs-confirmation}
 *                       (blast-radius cap), {@code before-deadline}, {@code partial} (a fleet-wide step failed; the
 *                       rest was done and the next run retries it)
 * @param devices        per-device standing (the most pressing first: failed, not blockable, pending, exempt,
 *                       scheduled, removed), at most {@link #MAX_LISTED}; {@code devicesOmitted} says how many more
 * @param notBlockable   devices (also listed above) where the app cannot be kept off by the MDM, with why
 */
public record EnforcementReport(
        String status,
        String trigger,
        String runId,
        String actor,
        boolean dryRun,
        String at,
        String deadline,
        String message,
        KillSwitchView killSwitch,
        BlastRadiusView blastRadius,
        List<FleetStep> fleet,
        Actions actions,
        Map<String, Long> counts,
        List<DeviceVerdict> devices,
        int devicesOmitted,
        List<Unblockable> notBlockable,
        List<String> escalations,
        List<String> problems) {

    public static final int MAX_LISTED = 1000;

    public record KillSwitchView(boolean engaged, String by, String reason) {
    }

    /**
     * @param acting   devices whose removal this run starts
     * @param inScope  corporate devices in scope and not exempt
     */
    public record BlastRadiusView(int acting, int inScope, int maxDevices, double maxShare, Integer confirmed, boolean allowed,
                                  String reason) {
    }

    /**
     * One fleet-wide step on one MDM.
     *
     * @param outcome {@code changed}, {@code in-place}, {@code unsupported}, {@code failed}, or in a dry run
     *                {@code would-reconcile}
     */
    public record FleetStep(MdmKind mdm, String step, String outcome, String detail, int targets, int exempt) {
    }

    /**
     * @param performed outcomes of actions done within this invocation (reconcile-device, listed devices)
     * @param enqueued  actions handed to the work queue
     */
    public record Actions(int sync, int escalate, int enqueued, List<WorkOutcome> performed) {
    }

    public record Unblockable(String device, String member, String label, String why) {
    }

    /** Whether an administrator needs to look (the report is also the run's answer to the scheduler). */
    public boolean failed() {
        return "partial".equals(status);
    }
}
