package org.appban.admin.preview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.appban.admin.FleetSnapshot;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.MdmKind;
import org.appban.enforce.DeviceAction;
import org.appban.enforce.EnforcementPlan;
import org.appban.enforce.EnforcementPlanner;
import org.appban.enforce.EnforcementScope;
import org.appban.enforce.EnforcementSnapshot;
import org.appban.exemption.ExemptionCheck;

/**
 * The enforcement function's coming removals, decided by the function's own {@link EnforcementPlanner}: the plan is
 * asked at each instant within the window where it can change for the snapshot as it stands (the first run from the
 * deadline on, and the end of each exemption's protection), and a device's removal is listed at the first of them at
 * which the plan starts it. The MDMs the fleet's devices are enrolled in are taken as connected, and nothing as done
 * yet (no removal started).
 */
public final class EnforcementPreviewer implements Previewer {
    private final EnforcementPlanner planner = new EnforcementPlanner();

    @Override
    public String function() {
        return "enforcement";
    }

    @Override
    public List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until) {
        Instant first = NoticePreviewer.max(fleet.policy().deadlineInstant(), from);
        List<Device> devices = fleet.allDevices();
        List<Exemption> exemptions = allExemptions(fleet);
        Set<MdmKind> connected = EnumSet.noneOf(MdmKind.class);
        devices.forEach(d -> {
            if (d.mdm() != MdmKind.NONE) connected.add(d.mdm());
        });
        List<PreviewItem> items = new ArrayList<>();
        Set<String> started = new HashSet<>();
        for (Instant at : changes(fleet, first, until)) {
            EnforcementPlan plan = planner.plan(new EnforcementSnapshot(fleet.policy(), devices, exemptions, Map.of(), connected, at), EnforcementScope.ALL);
            for (DeviceAction a : plan.actions(DeviceAction.Kind.SYNC)) {
                if (!a.newRemoval() || !started.add(a.device())) continue;
                Device d = devices.stream().filter(x -> x.id().equals(a.device())).findFirst().orElseThrow();
                String why = "the app is on it; the deadline is " + fleet.policy().deadlineInstant();
                List<Exemption> own = fleet.exemptionsOf(d.owner());
                Instant protectedUntil = ExemptionCheck.protectedUntil(own, d, first);
                if (protectedUntil != null) why = why + "; exemption " + ExemptionCheck.check(own, d, first).exemptionId() + " protects it until " + protectedUntil;
                items.add(new PreviewItem(at, function(), "uninstall", d.owner(), d.id(), true, d.label() + ": " + why));
            }
        }
        return items;
    }

    /** The instants in [first, until) at which a decision can change for the snapshot as it stands. */
    static TreeSet<Instant> changes(FleetSnapshot fleet, Instant first, Instant until) {
        TreeSet<Instant> at = new TreeSet<>();
        if (first.isBefore(until)) at.add(first);
        for (Device d : fleet.allDevices()) {
            Instant end = ExemptionCheck.protectedUntil(fleet.exemptionsOf(d.owner()), d, first);
            if (end != null && end.isBefore(until)) at.add(end);
        }
        return at;
    }

    static List<Exemption> allExemptions(FleetSnapshot fleet) {
        return fleet.members().stream().flatMap(m -> fleet.exemptionsOf(m.id()).stream()).toList();
    }
}
