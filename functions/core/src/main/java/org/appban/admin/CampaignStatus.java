package org.appban.admin;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.fleet.MdmCapabilities;
import org.appban.exemption.ExemptionCheck;
import org.appban.exemption.ExemptionView;

/** Builds the {@link StatusReport} from a {@link FleetSnapshot}. Pure. */
public final class CampaignStatus {
    public static final String QUARANTINED = "quarantined";
    /** A corporate device carrying the app that its MDM cannot remove it from. */
    public static final String MEMBER_MUST_REMOVE = "member-must-remove";

    private final NetworkAccessLookup network;

    public CampaignStatus(NetworkAccessLookup network) {
        this.network = network;
    }

    public StatusReport build(FleetSnapshot s) {
        List<StatusReport.MemberStatus> rows = new ArrayList<>();
        Map<String, Integer> byState = new TreeMap<>();
        Map<String, Integer> byStage = new TreeMap<>();
        Map<String, Integer> exemptionStates = new TreeMap<>();
        int devices = 0;
        int corporate = 0;
        int personal = 0;
        int notices = 0;
        int quarantined = 0;
        int active = 0;
        for (Member m : s.members()) {
            if (m.active()) active++;
            List<Exemption> exemptions = s.exemptionsOf(m.id());
            List<StatusReport.DeviceStatus> ds = new ArrayList<>();
            for (Device d : s.devicesOf(m.id())) {
                StatusReport.DeviceStatus row = device(d, exemptions, s);
                ds.add(row);
                if (d.retired()) continue;
                devices++;
                if (d.isCorporate()) corporate++;
                else personal++;
                byState.merge(row.state(), 1, Integer::sum);
                if (QUARANTINED.equals(row.networkAccess())) quarantined++;
            }
            List<StatusReport.NoticeSent> sent = new ArrayList<>();
            for (LedgerRecord r : s.noticesSent(m.id())) {
                String stage = r.details().getOrDefault("stage", "?");
                sent.add(new StatusReport.NoticeSent(stage, r.details().get("kind"), r.at(), r.device()));
                byStage.merge(stage, 1, Integer::sum);
                notices++;
            }
            List<ExemptionView> views = exemptions.stream().map(e -> ExemptionView.of(e, s.at())).toList();
            views.forEach(v -> exemptionStates.merge(v.state(), 1, Integer::sum));
            boolean onRoster = !s.notOnRoster().contains(m.id());
            rows.add(new StatusReport.MemberStatus(m.id(), m.name(), m.email(), m.role().wireName(), m.active(), onRoster,
                    ds, sent, views));
        }
        StatusReport.Totals totals = new StatusReport.Totals(s.members().size(), active, devices, corporate, personal,
                byState, notices, byStage, exemptionStates, quarantined);
        return new StatusReport(s.policy().id(), s.policy().title(), s.at(), s.policy().deadlineInstant(),
                s.policy().privateGraceEnds(), totals, rows, s.policy().notices().notSent().stream()
                        .sorted().map(org.appban.policy.StageKind::wireName).toList());
    }

    private StatusReport.DeviceStatus device(Device d, List<Exemption> exemptions, FleetSnapshot s) {
        ExemptionCheck.Protection p = ExemptionCheck.check(exemptions, d, s.at());
        String state = state(d, p);
        String access = network.accessOf(d, s.ledgerOf(d.owner())).orElse(null);
        return new StatusReport.DeviceStatus(d.id(), d.label(), d.ownership().wireName(), d.platform().wireName(),
                d.mdm().wireName(), d.appPresence().name().toLowerCase(Locale.ROOT), wire(d.compliance()), d.retired(),
                d.lastSeen(), state, p.exemptionId(), p.expires(), access);
    }

    static String state(Device d, ExemptionCheck.Protection p) {
        if (d.retired()) return "retired";
        if (p.exempt()) return "exempt";
        if (d.isCorporate()) {
            return switch (d.appPresence()) {
                // Shown apart: only its member can clean it (an unsupervised iPhone, say), and network access keeps watch.
                case PRESENT -> MdmCapabilities.of(d, EnumSet.of(d.mdm())).removable() ? "app-present" : MEMBER_MUST_REMOVE;
                case UNKNOWN -> "app-unchecked";
                case ABSENT -> "clean";
            };
        }
        return switch (d.compliance()) {
            case NONCOMPLIANT, IN_GRACE_PERIOD -> "non-compliant";
            case COMPLIANT -> "compliant";
            case NOT_ENROLLED -> "not-enrolled";
            case UNKNOWN -> "unknown";
        };
    }

    static String wire(ComplianceState c) {
        return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
