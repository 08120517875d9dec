package org.appban.admin.preview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.appban.admin.FleetSnapshot;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.exemption.ExemptionCheck;

/**
 * The enforcement function's coming removals, simply: a corporate device with the app loses it at the deadline, or,
 * if an exemption protects it then, when its protection ends. To be replaced by the function's own dry run.
 */
public final class EnforcementPreviewer implements Previewer {
    @Override
    public String function() {
        return "enforcement";
    }

    @Override
    public List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until) {
        Instant deadline = fleet.policy().deadlineInstant();
        List<PreviewItem> items = new ArrayList<>();
        for (Device d : fleet.allDevices()) {
            if (!d.isCorporate() || d.retired() || d.appPresence() != AppPresence.PRESENT) continue;
            List<Exemption> exemptions = fleet.exemptionsOf(d.owner());
            Instant at = NoticePreviewer.max(deadline, from);
            String why = "the app is on it; the deadline is " + deadline;
            Instant protectedUntil = ExemptionCheck.protectedUntil(exemptions, d, at);
            if (protectedUntil != null) {
                why = why + "; exemption " + ExemptionCheck.check(exemptions, d, at).exemptionId() + " protects it until " + protectedUntil;
                at = protectedUntil;
            }
            if (at.isBefore(until)) items.add(new PreviewItem(at, function(), "uninstall", d.owner(), d.id(), true, d.label() + ": " + why));
        }
        return items;
    }
}
