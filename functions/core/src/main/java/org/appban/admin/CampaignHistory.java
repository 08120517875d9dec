package org.appban.admin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Ownership;

/**
 * The campaign day by day, as the ledger tells it: what the status page draws, the administrators' digest sums up
 * and the functions' metrics report. A pure function of ledger entries (and which devices are corporate), so the
 * same entries always give the same history, whoever computes it.
 *
 * <ul>
 *   <li><b>carrying</b>: devices carrying the app at the end of the day, by ownership, from the inventory's
 *       entries ({@code inventory.*}: the app present, or non-compliant with the restricted-app rule; a device gone
 *       from the MDM carries nothing);</li>
 *   <li><b>quarantined</b>, <b>restored</b>: private devices taken off the network and given it back that day
 *       ({@code nac.quarantined}, {@code nac.released}, done rather than dry runs or already so), and
 *       <b>offNetwork</b>, those off the network at the end of the day;</li>
 *   <li><b>exemptionsActive</b>: exemptions granted, not revoked and not expired at the end of the day;</li>
 *   <li><b>notices</b>: notices sent that day, by kind ({@code notice.sent}).</li>
 * </ul>
 * Days are the policy zone's, from the first day an entry or the announcement falls on to the day of {@code at}.
 */
public final class CampaignHistory {
    /** At most this many days are kept (the most recent): a page and a digest stay readable. */
    public static final int MAX_DAYS = 120;

    private CampaignHistory() {
    }

    /** One day of the campaign, at its end (or at {@code at} for the last). */
    public record Day(LocalDate date, Map<Ownership, Integer> carrying, int quarantined, int restored, int offNetwork,
                      int exemptionsActive, Map<String, Integer> notices) {
        public Day {
            carrying = Map.copyOf(carrying);
            notices = Map.copyOf(notices);
        }

        public int carrying(Ownership o) {
            return carrying.getOrDefault(o, 0);
        }

        public int carryingTotal() {
            return carrying.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int notices(String kind) {
            return notices.getOrDefault(kind, 0);
        }

        public int noticesTotal() {
            return notices.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** @param noticeKinds every kind of notice sent on any of the days, in alphabetical order */
    public record History(List<Day> days, List<String> noticeKinds) {
        public History {
            days = List.copyOf(days);
            noticeKinds = List.copyOf(noticeKinds);
        }

        public Day last() {
            return days.get(days.size() - 1);
        }
    }

    /** The history of the campaign a snapshot holds: every member's chain, its corporate devices, up to its instant. */
    public static History of(FleetSnapshot snapshot) {
        Set<String> corporate = new HashSet<>();
        for (org.appban.domain.Device d : snapshot.allDevices()) if (d.isCorporate()) corporate.add(d.id());
        List<LedgerEntry> entries = snapshot.ledger().values().stream().filter(java.util.Objects::nonNull).flatMap(List::stream).toList();
        return of(entries, corporate, snapshot.policy().announcement(), snapshot.policy().zone(), snapshot.at());
    }

    /**
     * @param entries   ledger entries in any order (each member's chain, together)
     * @param corporate ids of the corporate devices; any other device counts as private
     */
    public static History of(Collection<LedgerEntry> entries, Set<String> corporate, LocalDate announcement, ZoneId zone,
                             Instant at) {
        List<LedgerRecord> records = entries.stream().map(LedgerEntry::record)
                .filter(r -> !r.dryRun() && !r.at().isAfter(at))
                .sorted(Comparator.comparing(LedgerRecord::at)).toList();
        LocalDate last = at.atZone(zone).toLocalDate();
        LocalDate first = announcement.isAfter(last) ? last : announcement;
        for (LedgerRecord r : records) {
            LocalDate d = r.at().atZone(zone).toLocalDate();
            if (d.isBefore(first)) first = d;
        }
        if (first.isBefore(last.minusDays(MAX_DAYS - 1))) first = last.minusDays(MAX_DAYS - 1);

        Map<String, Boolean> carrying = new HashMap<>();
        Set<String> offNetwork = new HashSet<>();
        Map<String, Instant> exemptionExpires = new HashMap<>();
        Set<String> kinds = new TreeSet<>();
        List<Day> days = new ArrayList<>();
        int i = 0;
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Instant end = day.equals(last) ? at : day.plusDays(1).atStartOfDay(zone).toInstant();
            int quarantined = 0;
            int restored = 0;
            Map<String, Integer> notices = new TreeMap<>();
            for (; i < records.size() && (records.get(i).at().isBefore(end) || records.get(i).at().equals(at)); i++) {
                LedgerRecord r = records.get(i);
                boolean today = !r.at().atZone(zone).toLocalDate().isBefore(day);
                String action = r.action();
                if (action.startsWith("inventory.") && r.device() != null) {
                    if (action.equals("inventory.device-gone")) carrying.put(r.device(), false);
                    else if (r.details().containsKey("after")) carrying.put(r.device(), carries(r.details().get("after")));
                } else if (action.equals("nac.quarantined") && "ok".equals(r.outcome()) && r.device() != null) {
                    offNetwork.add(r.device());
                    if (today) quarantined++;
                } else if (action.equals("nac.released") && "ok".equals(r.outcome()) && r.device() != null) {
                    offNetwork.remove(r.device());
                    if (today) restored++;
                } else if (action.equals("exemption.granted") && r.details().containsKey("exemption")) {
                    exemptionExpires.put(r.details().get("exemption"), instant(r.details().get("expires")));
                } else if (action.equals("exemption.revoked") && r.details().containsKey("exemption")) {
                    exemptionExpires.remove(r.details().get("exemption"));
                } else if (action.equals("notice.sent") && "ok".equals(r.outcome())) {
                    String kind = r.details().getOrDefault("kind", "other");
                    kinds.add(kind);
                    if (today) notices.merge(kind, 1, Integer::sum);
                }
            }
            Map<Ownership, Integer> byOwnership = new EnumMap<>(Ownership.class);
            for (Ownership o : Ownership.values()) byOwnership.put(o, 0);
            carrying.forEach((device, yes) -> {
                if (yes) byOwnership.merge(corporate.contains(device) ? Ownership.CORPORATE : Ownership.PRIVATE, 1, Integer::sum);
            });
            int active = (int) exemptionExpires.values().stream().filter(x -> x == null || x.isAfter(end)).count();
            days.add(new Day(day, byOwnership, quarantined, restored, offNetwork.size(), active, notices));
        }
        return new History(days, List.copyOf(kinds));
    }

    /** {@code PRESENT/COMPLIANT}: the app present, or the device non-compliant with the restricted-app rule. */
    static boolean carries(String state) {
        int slash = state.indexOf('/');
        String presence = slash < 0 ? state : state.substring(0, slash);
        String compliance = slash < 0 ? "" : state.substring(slash + 1);
        return presence.equals("PRESENT") || compliance.equals("NONCOMPLIANT");
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
