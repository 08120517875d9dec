package org.appban.rehearsal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.exemption.ExemptionRules;
import org.appban.policy.BanPolicy;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetEvent;
import org.appban.sim.fleet.FleetExemption;
import org.appban.sim.fleet.InvalidFleetException;

/**
 * A fleet file read against the policy it is rehearsed with, before anything runs. The file may leave the app to the
 * policy (an {@code install-app} or {@code remove-app} event without {@code app}; a banned app missing from the
 * catalog), and an exemption's expiry may be a date, which ends with that day in the policy's zone. What the policy
 * would refuse later, in the middle of a run, is refused here with the field named: an exemption decided by someone
 * the policy does not name as an approver (checked by the same rule the admin function applies), a decided exemption
 * without an expiry, or one ending before it is decided or later than the policy allows.
 */
public final class FleetForPolicy {
    private FleetForPolicy() {
    }

    /**
     * @param decidedAt when the rehearsal records the fleet's exemption decisions
     * @throws InvalidFleetException listing every problem, each with its field path
     */
    public static Fleet prepare(BanPolicy policy, Fleet fleet, Instant decidedAt) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> identifiers = new LinkedHashMap<>();
        policy.app().identifiers().forEach((platform, ids) -> identifiers.put(platform.name().toLowerCase(java.util.Locale.ROOT), ids));
        for (FleetEvent e : fleet.events()) {
            if (!e.action().concernsApp() || e.app() != null) continue;
            String platform = fleet.device(e.device()).map(d -> d.platform().wire()).orElse("?");
            if (identifiers.getOrDefault(platform, List.of()).isEmpty()) {
                problems.add("events (" + e.action().wire() + " on '" + e.device() + "' at " + e.at() + ").app: is required here: policy "
                        + policy.id() + " names no app identifier for " + platform);
            }
        }
        ExemptionRules rules = new ExemptionRules(policy);
        List<FleetExemption> exemptions = fleet.exemptions();
        for (int i = 0; i < exemptions.size(); i++) {
            FleetExemption x = exemptions.get(i);
            String at = "exemptions[" + i + "]";
            boolean decided = !x.status().equals("requested");
            if (decided && x.approvedBy() != null && !rules.approvers().names(x.approvedBy())) {
                problems.add(at + ".approvedBy: '" + x.approvedBy() + "' is not an approver of policy " + policy.id()
                        + " (its exemptions.approvers: " + String.join(", ", policy.exemptions().approvers()) + ")");
            }
            boolean granted = x.status().equals("granted") || x.status().equals("revoked");
            Instant expires = x.expiresIn(policy.zone());
            if (granted && expires == null) {
                problems.add(at + ".expires: is required for a " + x.status() + " exemption (a date, or a date-time with an offset)");
            } else if (granted && !expires.isAfter(decidedAt)) {
                problems.add(at + ".expires: " + expires + " is not after the rehearsal decides it (" + decidedAt + ")");
            } else if (granted && expires.isAfter(rules.latestExpiry(decidedAt))) {
                problems.add(at + ".expires: " + expires + " is more than the policy's exemptions.maxDays (" + policy.exemptions().maxDays()
                        + ") after the rehearsal decides it (" + decidedAt + ")");
            }
        }
        if (!problems.isEmpty()) throw new InvalidFleetException(fleet.source(), problems);
        return fleet.forApp(policy.app().name(), identifiers);
    }
}
