package org.appban.fleet;

import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    /**
     * The fleet-wide object of {@code step} (the app's uninstall assignment, the reinstall block, the compliance rule)
     * exists and is assigned to appban's groups ({@link GroupPlacement}), whatever their members: written when it
     * differs, so a round writes it once however many steps ask. Membership is not touched; {@link #place} changes it.
     */
    EnforcementStep ensureAssigned(EnforcementStep.Step step, BannedApp app);

    /**
     * Puts each of these devices (MDM ids) in appban's groups as {@code placements} says, changing only their own
     * memberships (never reading or writing the rest of a group), so a step of a round over a large fleet changes what
     * its devices need and nothing else. Reconciles: a device already placed so is left alone. Fails as a whole
     * ({@link org.appban.remote.RemoteFailure}) only when the MDM does; a device it does not know comes back
     * {@link Placed.Status#NOT_FOUND}. One answer per device, in no particular order.
     */
    List<Placed> place(BannedApp app, Map<String, GroupPlacement> placements);
}
