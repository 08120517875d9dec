package org.appban.fleet;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.appban.domain.MdmKind;
import org.appban.policy.BannedApp;

/**
 * Puts the MDM into the desired state for a ban. Every method reconciles: it reads what is there, writes only the
 * difference, and says whether it changed anything, so a retry or a second run is harmless. What the MDM cannot
 * do comes back as {@link EnforcementStep.Outcome#UNSUPPORTED}, not as an exception.
 *
 * <p>Device ids are the MDM's ({@link InventoriedDevice#mdmId()}).
 */
public interface FleetEnforcement {
    MdmKind mdm();

    /**
     * The app is to be removed from {@code targets} (corporate devices in scope) and kept off them, except from
     * {@code exempt} devices, which are excluded explicitly. The MDM applies it at each device's next check-in.
     */
    EnforcementStep ensureUninstall(BannedApp app, Set<String> targets, Set<String> exempt);

    /** The app cannot be installed again on devices that support a block (supervised iOS), except exempt devices. */
    EnforcementStep ensureReinstallBlock(BannedApp app, Set<String> exempt);

    /** Devices that carry the app become noncompliant (private enrolled devices included), except exempt devices. */
    EnforcementStep ensureComplianceRule(BannedApp app, Set<String> exempt);

    /** Asks each device to check in now, so pending changes land sooner; batched where the MDM allows. */
    List<SyncOutcome> sync(Collection<String> mdmIds);
}
