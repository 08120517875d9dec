package org.appban.admin.preview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.appban.admin.FleetSnapshot;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.fleet.MdmCapabilities;
import org.appban.exemption.ExemptionCheck;

/**
 * The network-access function's coming quarantines, simply: a private device the MDM reports non-compliant, or a
 * corporate device whose inventory lists the app (the evidence it carries it), loses network access when the private-device grace period ends
 * ({@code BanPolicy.privateGraceEnds()}), or, if an exemption protects it then, when its protection ends. To be
 * replaced by the function's own dry run.
 */
public final class NetworkAccessPreviewer implements Previewer {
    @Override
    public String function() {
        return "network-access";
    }

    @Override
    public List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until) {
        Instant graceEnds = fleet.policy().privateGraceEnds();
        List<PreviewItem> items = new ArrayList<>();
        for (Device d : fleet.allDevices()) {
            if (d.retired() || !hasEvidence(d)) continue;
            List<Exemption> exemptions = fleet.exemptionsOf(d.owner());
            Instant at = NoticePreviewer.max(graceEnds, from);
            String why = (d.isCorporate() ? "its MDM's inventory lists the app, which the MDM cannot remove"
                    : "the MDM reports it " + d.compliance().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    + "; the grace period ends " + graceEnds;
            Instant protectedUntil = ExemptionCheck.protectedUntil(exemptions, d, at);
            if (protectedUntil != null) {
                at = protectedUntil;
                why = why + "; exemption " + ExemptionCheck.check(exemptions, d, NoticePreviewer.max(graceEnds, from)).exemptionId()
                        + " protects it until " + protectedUntil;
            }
            if (at.isBefore(until)) items.add(new PreviewItem(at, function(), "quarantine", d.owner(), d.id(), true, d.label() + ": " + why));
        }
        return items;
    }

    static boolean hasEvidence(Device d) {
        // A corporate device its MDM can clean loses the app at the deadline; one it cannot keeps it until its member acts.
        if (d.isCorporate()) return d.appPresence() == AppPresence.PRESENT && !MdmCapabilities.of(d, EnumSet.of(d.mdm())).removable();
        return d.compliance() == ComplianceState.NONCOMPLIANT || d.compliance() == ComplianceState.IN_GRACE_PERIOD;
    }
}
