package org.appban.safety;

/**
 * The cap on how many devices one run may act on without an administrator's explicit confirmation, as a count and
 * as a share of the devices in scope (both from the policy). Pure: the caller counts, this decides.
 */
public final class BlastRadius {
    private final int maxDevices;
    private final double maxShare;

    public BlastRadius(int maxDevices, double maxShare) {
        this.maxDevices = maxDevices;
        this.maxShare = maxShare;
    }

    public record Verdict(boolean allowed, String reason) {
    }

    /**
     * @param acting    devices this run would change
     * @param inScope   devices the policy covers (the share is of these)
     * @param confirmed the request carries an explicit confirmation for at least {@code acting} devices
     */
    public Verdict check(int acting, int inScope, boolean confirmed) {
        if (acting == 0) return new Verdict(true, "nothing to act on");
        boolean overCount = acting > maxDevices;
        boolean overShare = inScope > 0 && (double) acting / inScope > maxShare;
        if (!overCount && !overShare) return new Verdict(true, "within the cap");
        String why = "would act on " + acting + " of " + inScope + " devices, over the cap of "
                + maxDevices + " devices or " + Math.round(maxShare * 100) + "% of the fleet";
        if (confirmed) return new Verdict(true, why + "; confirmed by the request");
        return new Verdict(false, why + "; repeat the request with \"confirm\": " + acting + " to go ahead");
    }

    /**
     * The cap for a run that knows the fleet only by its last count (a run over the devices an event names, which
     * does not read the fleet). A count fit to use ({@link FleetCount#usable}) is the share's denominator. Without one
     * (none kept yet, or too old) the share cannot be weighed, and a quarantine past a cap nobody can check is not
     * made on a guess: nothing acts unless the request confirms it. That only delays: the daily round counts the
     * fleet in its own survey and decides those devices then; the caller tells the administrators.
     *
     * @param fleet the latest count, or empty when none was found
     */
    public Verdict check(int acting, java.util.Optional<FleetCount> fleet, java.time.Instant now, boolean confirmed) {
        if (acting == 0) return new Verdict(true, "nothing to act on");
        if (fleet.isPresent() && fleet.get().usable(now)) {
            return check(acting, (int) Math.min(Integer.MAX_VALUE, fleet.get().devices()), confirmed);
        }
        String why = "would act on " + acting + " devices, but the fleet's size is unknown ("
                + fleet.map(c -> "last counted " + c.devices() + " devices at " + c.countedAt() + ", too old to weigh a share")
                        .orElse("no complete inventory listing has counted it since yesterday")
                + "), so the cap of " + maxDevices + " devices or " + Math.round(maxShare * 100) + "% of the fleet cannot be checked";
        if (confirmed) return new Verdict(true, why + "; confirmed by the request");
        return new Verdict(false, why + "; the daily round, which counts the fleet itself, decides them, or repeat the request with \"confirm\": "
                + acting + " to go ahead");
    }
}
