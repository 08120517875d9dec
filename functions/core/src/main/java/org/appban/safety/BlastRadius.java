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
}
