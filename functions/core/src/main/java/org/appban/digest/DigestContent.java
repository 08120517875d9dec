package org.appban.digest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appban.admin.CampaignHistory;
import org.appban.domain.CampaignTally;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Ownership;
import org.appban.policy.BanPolicy;

/**
 * What the administrators' digest says: what changed since the last digest, what needs a person now, and the
 * burndown of the last days. Pure: the same {@link Inputs} always give the same digest. Members and devices are
 * named by their ids (the status report has the rest).
 *
 * <p>Every figure comes from a read bounded by the work, never from the whole campaign ({@link Inputs}): what
 * changed is the campaign's counters at today's reading less those the previous digest recorded (so it is exact
 * whatever retries did: a count moves only with its entry's first write); the burndown is the readings of the last
 * days, one a day; and each list of what needs a person comes from an index of exactly those items.
 *
 * @param since       when the counters the changes are counted from were read (the previous digest's reading), or
 *                    null when there is none: the changes are then everything counted so far
 * @param until       when today's reading was taken: the end of the changes' window
 * @param changes     counts of what happened in the window, in a fixed order (see {@link #CHANGES})
 * @param attention   what needs a person, by heading, each a list of lines (empty lists are kept: "none")
 * @param burndown    the last {@value #BURNDOWN_DAYS} days' readings
 */
public record DigestContent(LocalDate day, Instant since, Instant until, Map<String, Integer> changes,
                            Map<String, List<String>> attention, List<CampaignHistory.Day> burndown) {
    public static final int BURNDOWN_DAYS = 14;
    /** The changes a digest counts, with the counters behind each ({@link #of}). */
    public static final List<String> CHANGES = List.of("removed", "quarantined", "restored", "escalated",
            "exemptions requested", "exemptions granted", "exemptions expiring");
    public static final String ESCALATIONS = "Escalated removals still carrying the app";
    public static final String AMBIGUOUS = "Devices whose identity is ambiguous (never acted on)";
    public static final String PENDING = "Exemption requests waiting for a decision";
    public static final String NOT_BLOCKABLE = "Corporate devices carrying the app with no removal under way";
    public static final String SECOND_APPROVALS = "Acts waiting for a second administrator's approval (approval.approve)";
    /** Unresolved identities are listed this long after the network access run that found them. */
    public static final Duration AMBIGUOUS_FOR = Duration.ofDays(2);

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
     * What a digest reads, each bounded by what it shows rather than by the roster, the fleet or the ledger's history.
     *
     * @param at                 now: the lists are as of this instant
     * @param today              today's reading of the counters (taken by the day's first run, then reused)
     * @param previous           the reading the previous digest counted to (empty: none in the week)
     * @param earlier            the readings of the days before today, oldest first (the burndown's other bars)
     * @param expiringSoon       granted exemptions whose next notice falls due by {@code at} plus the policy's
     *                           {@code expiringNoticeDays} (the sweep's index; those ending in that window are counted)
     * @param awaiting           exemption requests waiting for a decision
     * @param carryingCorporate  corporate devices still carrying the app (read only from the deadline on; empty before)
     * @param aboutDevice        each of those devices' ledger entries, by device id
     * @param exemptionsOf       the exemptions of those devices' owners, by member id
     * @param unresolved         {@code nac.identity-unresolved} entries from {@link #AMBIGUOUS_FOR} before {@code at}
     * @param approvals          acts waiting for a second approval at {@code at}
     */
    public record Inputs(Instant at, DigestReading today, Optional<DigestReading> previous, List<DigestReading> earlier,
                         List<Exemption> expiringSoon, List<Exemption> awaiting, List<Device> carryingCorporate,
                         Map<String, List<LedgerEntry>> aboutDevice, Map<String, List<Exemption>> exemptionsOf,
                         List<LedgerEntry> unresolved, List<WaitingApprovals.Waiting> approvals) {
    }

    public static DigestContent of(BanPolicy policy, Inputs in) {
        Instant at = in.at();
        Instant until = in.today().at();
        CampaignTally now = in.today().tally();
        Map<String, Long> grown = now.since(in.previous().map(DigestReading::counters).orElse(Map.of()));
        Map<String, Integer> changes = new LinkedHashMap<>();
        changes.put("removed", count(grown, CampaignTally.REMOVED));
        changes.put("quarantined", count(grown, CampaignTally.QUARANTINED));
        changes.put("restored", count(grown, CampaignTally.RESTORED));
        changes.put("escalated", count(grown, CampaignTally.ESCALATED));
        changes.put("exemptions requested", count(grown, CampaignTally.EXEMPTIONS + "requested"));
        changes.put("exemptions granted", count(grown, CampaignTally.EXEMPTIONS + "granted"));
        Instant expiringBy = at.plus(Duration.ofDays(policy.exemptions().expiringNoticeDays()));
        int expiring = 0;
        for (Exemption x : in.expiringSoon()) {
            if (x.status() == ExemptionStatus.GRANTED && x.expires() != null && x.expires().isAfter(at) && !x.expires().isAfter(expiringBy)) expiring++;
        }
        changes.put("exemptions expiring", expiring);

        List<String> stillEscalated = new ArrayList<>();
        List<String> notBlockable = new ArrayList<>();
        boolean pastDeadline = !at.isBefore(policy.deadlineInstant());
        for (Device d : in.carryingCorporate()) {
            if (d.retired() || !org.appban.ports.DeviceStore.carryingCorporate(d)) continue;
            boolean escalated = false;
            boolean removalStarted = false;
            for (LedgerEntry e : in.aboutDevice().getOrDefault(d.id(), List.of())) {
                LedgerRecord r = e.record();
                if (r.dryRun() || r.at().isAfter(at)) continue;
                if (r.action().equals("enforce.escalated")) escalated = true;
                if (r.action().equals("enforce.removal-started")) removalStarted = true;
            }
            if (escalated) stillEscalated.add(d.id() + " (member " + d.owner() + ")");
            else if (pastDeadline && !removalStarted && !exempt(in.exemptionsOf().getOrDefault(d.owner(), List.of()), d, at)) {
                notBlockable.add(d.id() + " (member " + d.owner() + ")");
            }
        }
        stillEscalated.sort(null);
        notBlockable.sort(null);

        Set<String> ambiguous = new TreeSet<>();
        Instant ambiguousFrom = at.minus(AMBIGUOUS_FOR);
        for (LedgerEntry e : in.unresolved()) {
            LedgerRecord r = e.record();
            if (!r.dryRun() && r.device() != null && r.at().isAfter(ambiguousFrom) && !r.at().isAfter(at)) ambiguous.add(r.device());
        }

        List<String> pending = new ArrayList<>();
        for (Exemption x : in.awaiting()) {
            if (x.status() == ExemptionStatus.REQUESTED) {
                pending.add(x.id() + " (member " + x.member() + (x.device() == null ? ", all devices" : ", device " + x.device()) + ")");
            }
        }
        pending.sort(null);

        List<String> waiting = new ArrayList<>();
        for (WaitingApprovals.Waiting a : in.approvals()) {
            if (!a.requestedAt().isAfter(at) && at.isBefore(a.expires())) {
                waiting.add(a.id() + ": " + a.operation() + ", asked by " + a.requestedBy() + ", lapses " + a.expires());
            }
        }
        waiting.sort(null);

        Map<String, List<String>> attention = new LinkedHashMap<>();
        attention.put(ESCALATIONS, stillEscalated);
        attention.put(AMBIGUOUS, List.copyOf(ambiguous));
        attention.put(PENDING, pending);
        attention.put(NOT_BLOCKABLE, notBlockable);
        attention.put(SECOND_APPROVALS, waiting);
        List<CampaignHistory.Day> days = history(in.earlier(), in.today()).days();
        List<CampaignHistory.Day> burndown = days.subList(Math.max(0, days.size() - BURNDOWN_DAYS), days.size());
        return new DigestContent(in.today().day(), in.previous().map(DigestReading::at).orElse(null), until, changes, attention, burndown);
    }

    /**
     * The campaign day by day from the digest's readings, one a day: each day's levels (devices carrying the app by
     * ownership, off the network, exemptions in force) as its reading found them, and its counts (quarantined,
     * restored, notices by kind) as what the counters grew from its reading to the next day's (today's counts are
     * still to come: none). A day without a reading has no bar.
     */
    public static CampaignHistory.History history(List<DigestReading> earlier, DigestReading today) {
        List<DigestReading> readings = new ArrayList<>();
        for (DigestReading r : earlier) if (r.day().isBefore(today.day())) readings.add(r);
        readings.sort(java.util.Comparator.comparing(DigestReading::day));
        readings.add(today);
        List<CampaignHistory.Day> days = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            CampaignTally t = readings.get(i).tally();
            Map<String, Long> grown = i + 1 < readings.size() ? readings.get(i + 1).tally().since(t.counters()) : Map.of();
            Map<Ownership, Integer> carrying = new EnumMap<>(Ownership.class);
            for (Ownership o : Ownership.values()) carrying.put(o, (int) t.carrying(o.name()));
            Map<String, Integer> notices = new TreeMap<>();
            grown.forEach((k, v) -> {
                if (k.startsWith(CampaignTally.NOTICES_BY_KIND) && v > 0) notices.put(k.substring(CampaignTally.NOTICES_BY_KIND.length()), v.intValue());
            });
            days.add(new CampaignHistory.Day(readings.get(i).day(), carrying, count(grown, CampaignTally.QUARANTINED),
                    count(grown, CampaignTally.RESTORED), (int) t.offNetwork(), (int) t.exemptionsActive(), notices));
        }
        return new CampaignHistory.History(days, List.copyOf(today.tally().under(CampaignTally.NOTICES_BY_KIND).keySet()));
    }

    private static int count(Map<String, Long> grown, String counter) {
        return (int) Math.max(0, grown.getOrDefault(counter, 0L));
    }

    private static boolean exempt(List<Exemption> exemptions, Device d, Instant at) {
        return exemptions.stream().anyMatch(x -> x.protects(d, at));
    }
}
