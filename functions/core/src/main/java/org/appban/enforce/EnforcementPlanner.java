package org.appban.enforce;

import org.appban.fleet.MdmCapabilities;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.MdmKind;
import org.appban.policy.BanPolicy;

/**
 * Decides enforcement from a snapshot: the MDM state to reconcile, the per-device actions due, and where each
 * corporate device stands. Pure: no I/O, no clock.
 *
 * <p>Rules, in the order they apply to a device:
 * <ol>
 *   <li>private and retired devices get no removal; a private device can still be exempt, and so excluded from
 *       the compliance rule;</li>
 *   <li>a corporate device on a platform the policy names no identifier for is out of scope;</li>
 *   <li>an exempt device is excluded everywhere and never acted on (checked before every action);</li>
 *   <li>before the deadline nothing is due;</li>
 *   <li>after it, every other corporate device of a connected MDM is an uninstall target; where the app is (or
 *       may be) still there and the MDM can remove it, a check-in is requested once a day, and once the policy's
 *       days have passed since the device came into scope it is escalated, once;</li>
 *   <li>where the MDM cannot remove it the device is reported not blockable: nothing is sent to the MDM for it, and
 *       once the policy's days have passed with the app still listed it is escalated, once, like a failed removal;
 *       the compliance rule and network access (which judges every device, corporate or private) do the rest.</li>
 * </ol>
 */
public final class EnforcementPlanner {

    public EnforcementPlan plan(EnforcementSnapshot s, EnforcementScope scope) {
        BanPolicy policy = s.policy();
        ZoneId zone = policy.zone();
        Instant now = s.now();
        Instant deadline = policy.deadlineInstant();
        boolean before = now.isBefore(deadline);
        Map<MdmKind, TreeSet<String>> targets = new EnumMap<>(MdmKind.class);
        Map<MdmKind, TreeSet<String>> exempt = new EnumMap<>(MdmKind.class);
        for (MdmKind k : s.connected()) {
            if (k == MdmKind.NONE) continue;
            targets.put(k, new TreeSet<>());
            exempt.put(k, new TreeSet<>());
        }
        List<DeviceAction> actions = new ArrayList<>();
        List<DeviceVerdict> verdicts = new ArrayList<>();
        int inScope = 0;
        int newRemovals = 0;
        int outOfScope = 0;
        List<Device> devices = new ArrayList<>(s.devices());
        devices.sort(Comparator.comparing(Device::id));
        for (Device d : devices) {
            if (d.retired()) continue;
            boolean manageable = exempt.containsKey(d.mdm()) && d.mdmId() != null && !d.mdmId().isBlank();
            Optional<Exemption> shield = Protection.protecting(d, s.exemptions(), now);
            if (shield.isPresent() && manageable) exempt.get(d.mdm()).add(d.mdmId());
            if (!d.isCorporate()) continue;
            if (policy.app().identifiersFor(d.platform()).isEmpty()) {
                outOfScope++;
                continue;
            }
            boolean listed = scope.includes(d);
            MdmCapabilities.Reach reach = MdmCapabilities.of(d, s.connected());
            if (shield.isPresent()) {
                Exemption e = shield.get();
                if (listed) {
                    verdicts.add(verdict(d, DeviceStatus.EXEMPT, "exemption " + e.id() + " until " + e.expires().atZone(zone).toLocalDateTime(), reach));
                }
                continue;
            }
            inScope++;
            if (!before && manageable) targets.get(d.mdm()).add(d.mdmId());
            boolean absent = d.appPresence() == AppPresence.ABSENT;
            if (before) {
                if (listed) {
                    DeviceVerdict v = absent ? verdict(d, DeviceStatus.REMOVED, "the inventory does not show the app", reach)
                            : !reach.removable() ? verdict(d, DeviceStatus.NOT_BLOCKABLE, reach.removalWhy(), reach)
                            : verdict(d, DeviceStatus.SCHEDULED, "removal starts at the deadline, " + policy.deadline(), reach);
                    verdicts.add(v);
                }
                continue;
            }
            if (absent) {
                if (listed) verdicts.add(verdict(d, DeviceStatus.REMOVED, "the inventory does not show the app", reach));
                continue;
            }
            DeviceHistory h = s.historyOf(d.id());
            Instant since = Protection.inScopeSince(d, s.exemptions(), deadline, now);
            if (!reach.removable()) {
                if (listed) unremovable(d, reach, h, since, s, actions, verdicts);
                continue;
            }
            boolean newRemoval = !h.removalStarted();
            if (newRemoval) newRemovals++;
            boolean present = d.appPresence() == AppPresence.PRESENT;
            boolean escalationDue = new EscalationRule(policy).due(d.appPresence(), since, now, h.escalated());
            boolean syncDue = h.syncToday() == null;
            long days = Duration.between(since, now).toDays();
            if (listed) {
                if (syncDue) {
                    actions.add(new DeviceAction(DeviceAction.Kind.SYNC, d.id(), d.owner(), d.mdm(), d.mdmId(), newRemoval, since,
                            present ? "the inventory still shows the app" : "the inventory has not said whether the app is there"));
                }
                if (escalationDue) {
                    actions.add(new DeviceAction(DeviceAction.Kind.ESCALATE, d.id(), d.owner(), d.mdm(), d.mdmId(), newRemoval, since,
                            "still there " + days + " day(s) after it came into scope"));
                }
                verdicts.add(standing(d, reach, h, present, escalationDue, days, syncDue));
            }
        }
        List<MdmDesiredState> fleet = new ArrayList<>();
        if (!before) targets.forEach((mdm, t) -> fleet.add(new MdmDesiredState(mdm, t, exempt.get(mdm))));
        return new EnforcementPlan(now, deadline, before, fleet, actions, verdicts, inScope, newRemovals, outOfScope);
    }

    /**
     * A corporate device the MDM cannot clean (rule 6): nothing is sent to the MDM for it, but the ban holds all the
     * same. Once the policy's days have passed with the app still listed it is escalated, once, like a failed removal
     * (administrators, and the member's notice saying they must remove it themselves); its MDM's compliance rule marks
     * it non-compliant, and network access cuts it off after the grace period while the inventory lists the app.
     */
    private static void unremovable(Device d, MdmCapabilities.Reach reach, DeviceHistory h, Instant since, EnforcementSnapshot s,
                                    List<DeviceAction> actions, List<DeviceVerdict> verdicts) {
        BanPolicy policy = s.policy();
        Instant now = s.now();
        boolean escalationDue = new EscalationRule(policy).due(d.appPresence(), since, now, h.escalated());
        long days = Duration.between(since, now).toDays();
        if (escalationDue) {
            actions.add(new DeviceAction(DeviceAction.Kind.ESCALATE, d.id(), d.owner(), d.mdm(), d.mdmId(), false, since,
                    "the MDM cannot remove it and it is still there " + days + " day(s) after it came into scope"));
        }
        String escalation = h.escalated() ? "; escalated" : escalationDue ? "; escalated by this run" : "";
        verdicts.add(verdict(d, DeviceStatus.NOT_BLOCKABLE, reach.removalWhy() + escalation
                + "; left to its member, the MDM's compliance rule and network access (cut from " + policy.privateGraceEnds().atZone(policy.zone()).toLocalDateTime()
                + " while the inventory lists the app)", reach));
    }

    private static DeviceVerdict standing(Device d, MdmCapabilities.Reach reach, DeviceHistory h, boolean present,
                                          boolean escalationDue, long days, boolean syncDue) {
        if (h.escalated() || escalationDue) {
            return verdict(d, DeviceStatus.FAILED, "still there " + days + " day(s) after it came into scope; escalated"
                    + (escalationDue ? " by this run" : ""), reach);
        }
        if (h.syncFailed()) return verdict(d, DeviceStatus.FAILED, "check-in request " + h.syncToday(), reach);
        String seen = present ? "the inventory still shows the app" : "the inventory has not reported the app list yet";
        String sync = syncDue ? "check-in due now" : h.syncAt() != null ? "check-in requested at " + h.syncAt() : "check-in request in flight";
        return verdict(d, DeviceStatus.PENDING, "uninstall assigned; " + sync + "; " + seen, reach);
    }

    private static DeviceVerdict verdict(Device d, DeviceStatus status, String detail, MdmCapabilities.Reach reach) {
        return new DeviceVerdict(d.id(), d.owner(), d.mdm(), d.label(), status, detail, reach.blockable(), reach.blockable() ? null : reach.blockWhy());
    }
}
