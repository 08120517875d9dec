package org.appban.admin.preview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.access.AccessRules;
import org.appban.access.Decision;
import org.appban.access.DeviceFacts;
import org.appban.access.NetworkIdentity;
import org.appban.admin.FleetSnapshot;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.exemption.ExemptionCheck;

/**
 * The network-access function's coming quarantines, decided by the function's own {@link AccessRules}: each device
 * is judged at each instant within the window where the decision can change for the snapshot as it stands (the end
 * of the grace period, the end of each exemption's protection, each removal the enforcement function starts), and
 * listed at the first at which the rules quarantine it. The facts are the snapshot's (devices, exemptions, the
 * members' attestations), with one forecast the campaign itself makes: a corporate device the enforcement function
 * sends the uninstall to (by {@link EnforcementPreviewer}, the enforcement planner) is taken as cleaned from then on.
 * No telemetry sighting is assumed, and no quarantine of ours yet.
 */
public final class NetworkAccessPreviewer implements Previewer {
    @Override
    public String function() {
        return "network-access";
    }

    @Override
    public List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until) {
        Instant graceEnds = fleet.policy().privateGraceEnds();
        Instant first = NoticePreviewer.max(graceEnds, from);
        AccessRules rules = AccessRules.of(fleet.policy());
        List<Device> devices = fleet.allDevices();
        Map<String, NetworkIdentity> identities = NetworkIdentity.of(devices);
        Map<String, Instant> removalFrom = new HashMap<>();
        for (PreviewItem removal : new EnforcementPreviewer().preview(fleet, fleet.policy().deadlineInstant(), until)) {
            removalFrom.put(removal.device(), removal.at());
        }
        List<PreviewItem> items = new ArrayList<>();
        Set<String> quarantined = new HashSet<>();
        for (Instant at : EnforcementPreviewer.changes(fleet, first, until)) {
            for (Device d : devices) {
                if (quarantined.contains(d.id())) continue;
                List<Exemption> own = fleet.exemptionsOf(d.owner());
                Exemption protecting = own.stream().filter(e -> e.protects(d, at)).findFirst().orElse(null);
                Instant attestedAt = d.isPrivate() ? fleet.attestedAt(d.owner()).orElse(null) : null;
                Instant removed = removalFrom.get(d.id());
                Device seen = removed != null && !at.isBefore(removed) ? d.withAppPresence(AppPresence.ABSENT).withLastSeen(removed) : d;
                Decision decision = rules.decide(new DeviceFacts(seen, protecting, identities.get(d.id()), attestedAt, null, null), at);
                if (decision.action() != Decision.Action.QUARANTINE) continue;
                quarantined.add(d.id());
                String why = decision.reason() + "; the grace period ends " + graceEnds;
                Instant protectedUntil = ExemptionCheck.protectedUntil(own, d, first);
                if (protectedUntil != null) {
                    why = why + "; exemption " + ExemptionCheck.check(own, d, first).exemptionId() + " protects it until " + protectedUntil;
                }
                items.add(new PreviewItem(at, function(), "quarantine", d.owner(), d.id(), true, d.label() + ": " + why));
            }
        }
        return items;
    }
}
