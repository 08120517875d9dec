package org.appban.digest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.appban.admin.CampaignHistory;
import org.appban.admin.FleetSnapshot;
import org.appban.admin.SecondApprovals;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;

/**
 * What the administrators' digest says, decided from a snapshot of the campaign: what changed since the last
 * digest, what needs a person now, and the burndown of the last days. Pure: the same snapshot and window always
 * give the same digest. Members and devices are named by their ids (the status report has the rest).
 *
 * @param changes     counts of what happened in the window, in a fixed order (see {@link #CHANGES})
 * @param attention   what needs a person, by heading, each a list of lines (empty lists are kept: "none")
 * @param burndown    the last {@value #BURNDOWN_DAYS} days of the campaign's history
 */
public record DigestContent(LocalDate day, Instant since, Instant until, Map<String, Integer> changes,
                            Map<String, List<String>> attention, List<CampaignHistory.Day> burndown) {
    public static final int BURNDOWN_DAYS = 14;
    /** The changes a digest counts, with the ledger actions behind each. */
    public static final List<String> CHANGES = List.of("removed", "quarantined", "restored", "escalated",
            "exemptions requested", "exemptions granted", "exemptions expiring");
    public static final String ESCALATIONS = "Escalated removals still carrying the app";
    public static final String AMBIGUOUS = "Devices whose identity is ambiguous (never acted on)";
    public static final String PENDING = "Exemption requests waiting for a decision";
    public static final String NOT_BLOCKABLE = "Corporate devices carrying the app with no removal under way";
    public static final String SECOND_APPROVALS = "Acts waiting for a second administrator's approval (approval.approve)";

    public DigestContent {
        changes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changes));
        attention = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attention));
        burndown = List.copyOf(burndown);
    }

    /** Whether anything needs a person. */
    public boolean needsAttention() {
        return attention.values().stream().anyMatch(l -> !l.isEmpty());
    }

    /**
     * @param since when the last digest went out (or a day before {@code snapshot.at()} when there was none)
     * @param expiringDays an exemption ending within this many days counts as expiring (the policy's)
     */
    public static DigestContent of(FleetSnapshot snapshot, CampaignHistory.History history, Instant since, int expiringDays) {
        return of(snapshot, history, since, expiringDays, List.of());
    }

    /**
     * @param approvals the two-person rule's approvals ({@link SecondApprovals#of}); those still pending at the
     *                  snapshot's time are listed, naming who asked (an administrator's principal, as the ledger
     *                  does) and when the request lapses, since an unapproved act is dropped after that
     */
    public static DigestContent of(FleetSnapshot snapshot, CampaignHistory.History history, Instant since, int expiringDays,
                                   List<SecondApprovals.Approval> approvals) {
        Instant until = snapshot.at();
        Map<String, Integer> changes = new LinkedHashMap<>();
        for (String c : CHANGES) changes.put(c, 0);
        Set<String> escalated = new TreeSet<>();
        Set<String> ambiguous = new TreeSet<>();
        Set<String> removalStarted = new TreeSet<>();
        Instant ambiguousFrom = until.minus(Duration.ofDays(2));
        for (List<LedgerEntry> chain : snapshot.ledger().values()) {
            if (chain == null) continue;
            for (LedgerEntry e : chain) {
                LedgerRecord r = e.record();
                if (r.dryRun() || r.at().isAfter(until)) continue;
                boolean inWindow = r.at().isAfter(since);
                boolean ok = "ok".equals(r.outcome());
                switch (r.action()) {
                    case "inventory.app-disappeared" -> count(changes, "removed", inWindow);
                    case "nac.quarantined" -> count(changes, "quarantined", inWindow && ok);
                    case "nac.released" -> count(changes, "restored", inWindow && ok);
                    case "enforce.escalated" -> {
                        count(changes, "escalated", inWindow && ok);
                        if (r.device() != null) escalated.add(r.device());
                    }
                    case "enforce.removal-started" -> {
                        if (r.device() != null) removalStarted.add(r.device());
                    }
                    case "exemption.requested" -> count(changes, "exemptions requested", inWindow);
                    case "exemption.granted" -> count(changes, "exemptions granted", inWindow);
                    case "nac.identity-unresolved" -> {
                        if (r.device() != null && r.at().isAfter(ambiguousFrom)) ambiguous.add(r.device());
                    }
                    default -> {
                    }
                }
            }
        }
        Instant expiringBy = until.plus(Duration.ofDays(expiringDays));
        List<String> pending = new ArrayList<>();
        for (Exemption x : snapshot.exemptions().values().stream().flatMap(List::stream).toList()) {
            if (x.status() == ExemptionStatus.GRANTED && x.expires() != null && x.expires().isAfter(until) && !x.expires().isAfter(expiringBy)) {
                changes.merge("exemptions expiring", 1, Integer::sum);
            }
            if (x.status() == ExemptionStatus.REQUESTED) {
                pending.add(x.id() + " (member " + x.member() + (x.device() == null ? ", all devices" : ", device " + x.device()) + ")");
            }
        }
        pending.sort(null);
        List<String> stillEscalated = new ArrayList<>();
        List<String> notBlockable = new ArrayList<>();
        boolean pastDeadline = !until.isBefore(snapshot.policy().deadlineInstant());
        for (Device d : snapshot.allDevices()) {
            if (d.retired() || !carries(d)) continue;
            if (escalated.contains(d.id())) stillEscalated.add(d.id() + " (member " + d.owner() + ")");
            else if (pastDeadline && d.isCorporate() && !removalStarted.contains(d.id()) && !exempt(snapshot, d, until)) {
                notBlockable.add(d.id() + " (member " + d.owner() + ")");
            }
        }
        Map<String, List<String>> attention = new LinkedHashMap<>();
        attention.put(ESCALATIONS, stillEscalated);
        attention.put(AMBIGUOUS, List.copyOf(ambiguous));
        attention.put(PENDING, pending);
        attention.put(NOT_BLOCKABLE, notBlockable);
        List<String> waiting = new ArrayList<>();
        for (SecondApprovals.Approval a : approvals) {
            if (!a.requestedAt().isAfter(until) && until.isBefore(a.expires()) && "pending".equals(a.state())) {
                waiting.add(a.id() + ": " + a.operation() + ", asked by " + a.requestedBy() + ", lapses " + a.expires());
            }
        }
        waiting.sort(null);
        attention.put(SECOND_APPROVALS, waiting);
        List<CampaignHistory.Day> days = history.days();
        List<CampaignHistory.Day> burndown = days.subList(Math.max(0, days.size() - BURNDOWN_DAYS), days.size());
        return new DigestContent(until.atZone(snapshot.policy().zone()).toLocalDate(), since, until, changes, attention, burndown);
    }

    private static void count(Map<String, Integer> changes, String what, boolean yes) {
        if (yes) changes.merge(what, 1, Integer::sum);
    }

    private static boolean carries(Device d) {
        return d.appPresence() == AppPresence.PRESENT || d.compliance() == ComplianceState.NONCOMPLIANT;
    }

    private static boolean exempt(FleetSnapshot s, Device d, Instant at) {
        return s.exemptionsOf(d.owner()).stream().anyMatch(x -> x.protects(d, at));
    }
}
