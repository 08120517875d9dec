package org.appban.enforce;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.appban.domain.MdmKind;

/**
 * The planner's answer: the MDM state to reconcile, the per-device actions due, and each device's standing.
 *
 * @param beforeDeadline nothing destructive is due yet (no fleet state, no actions)
 * @param fleet          desired state per connected MDM (empty before the deadline)
 * @param actions        per-device work, limited to the request's scope
 * @param devices        verdicts for the corporate devices in the request's scope
 * @param inScope        corporate devices the ban reaches and no exemption shields (the blast radius's whole)
 * @param newRemovals    devices whose removal this run would start (the blast radius's part): fleet-wide, because
 *                       the uninstall assignment is fleet-wide whatever the request's scope
 * @param outOfScope     corporate devices on platforms the policy names no identifier for
 */
public record EnforcementPlan(Instant now, Instant deadline, boolean beforeDeadline, List<MdmDesiredState> fleet,
                              List<DeviceAction> actions, List<DeviceVerdict> devices, int inScope, int newRemovals,
                              int outOfScope) {
    public EnforcementPlan {
        fleet = List.copyOf(fleet);
        actions = List.copyOf(actions);
        devices = List.copyOf(devices);
    }

    public List<DeviceAction> actions(DeviceAction.Kind kind) {
        return actions.stream().filter(a -> a.kind() == kind).toList();
    }

    public long count(DeviceStatus status) {
        return devices.stream().filter(d -> d.status() == status).count();
    }

    public List<DeviceVerdict> devices(Predicate<DeviceVerdict> p) {
        return devices.stream().filter(p).toList();
    }

    /** The same plan after an MDM said at run time that it cannot block reinstalls (reasons per MDM). */
    public EnforcementPlan withReinstallUnsupported(Map<MdmKind, String> why) {
        if (why.isEmpty()) return this;
        List<DeviceVerdict> adjusted = devices.stream()
                .map(v -> v.reinstallBlocked() && why.containsKey(v.mdm()) ? v.withReinstallUnsupported(why.get(v.mdm())) : v)
                .toList();
        return new EnforcementPlan(now, deadline, beforeDeadline, fleet, actions, adjusted, inScope, newRemovals, outOfScope);
    }
}
