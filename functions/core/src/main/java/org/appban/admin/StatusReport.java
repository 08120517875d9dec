package org.appban.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appban.exemption.ExemptionView;

/**
 * The campaign's status at one instant: per member, their devices with the state of each, the notices sent and the
 * exemptions; and totals. What the {@code status} admin operation exports and the status page shows.
 */
public record StatusReport(String policy, String title, Instant at, Instant deadline, Instant privateGraceEnds,
                           Totals totals, List<MemberStatus> members, List<String> noticesNotSent) {

    /** @param noticesNotSent the kinds of notice the policy says this ban sends none of ({@code notices.notSent}) */
    public StatusReport(String policy, String title, Instant at, Instant deadline, Instant privateGraceEnds,
                        Totals totals, List<MemberStatus> members) {
        this(policy, title, at, deadline, privateGraceEnds, totals, members, List.of());
    }

    /**
     * @param devicesByState   non-retired devices counted by {@link DeviceStatus#state()}
     * @param exemptionsByState exemptions counted by their state (requested, active, expired, refused, revoked)
     * @param noticesByStage   notices sent, counted by stage id
     */
    public record Totals(int members, int activeMembers, int devices, int corporateDevices, int privateDevices,
                         Map<String, Integer> devicesByState, int noticesSent, Map<String, Integer> noticesByStage,
                         Map<String, Integer> exemptionsByState, int quarantined) {
    }

    public record MemberStatus(String id, String name, String email, String role, boolean active, boolean onRoster,
                               List<DeviceStatus> devices, List<NoticeSent> notices, List<ExemptionView> exemptions) {
    }

    /**
     * @param state         {@code retired}, {@code exempt}, {@code app-present}, {@code app-unchecked} or {@code clean}
     *                      (corporate); {@code exempt}, {@code non-compliant}, {@code compliant}, {@code not-enrolled}
     *                      or {@code unknown} (private)
     * @param exemption     the exemption protecting it now, if any
     * @param networkAccess as the network-access function left it, or null when unknown
     */
    public record DeviceStatus(String id, String label, String ownership, String platform, String mdm, String appPresence,
                               String compliance, boolean retired, Instant lastSeen, String state, String exemption,
                               Instant exemptUntil, String networkAccess) {
    }

    public record NoticeSent(String stage, String kind, Instant at, String device) {
    }
}
