package org.appban.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.notice.Attestations;
import org.appban.policy.BanPolicy;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;

/**
 * The whole campaign at one instant, read once through the ports: the roster, the inventory, the exemptions and
 * each member's ledger chain. Status reports, the status page and previews are pure functions of it.
 *
 * @param members every member on the roster, by id, plus owners of devices who are not on it (shown as such)
 * @param notOnRoster ids of those device owners missing from the roster
 */
public record FleetSnapshot(BanPolicy policy, Instant at, List<Member> members, Map<String, List<Device>> devices,
                            Map<String, List<Exemption>> exemptions, Map<String, List<LedgerEntry>> ledger,
                            Set<String> notOnRoster) {

    public static final String NOTICE_SENT = "notice.sent";

    public FleetSnapshot {
        members = List.copyOf(members);
        devices = Map.copyOf(devices);
        exemptions = Map.copyOf(exemptions);
        ledger = Map.copyOf(ledger);
        notOnRoster = Set.copyOf(notOnRoster);
    }

    public static FleetSnapshot load(BanPolicy policy, Instant at, MemberStore members, DeviceStore devices,
                                     ExemptionStore exemptions, Ledger ledger) {
        Map<String, List<Device>> byOwner = devices.all().stream()
                .sorted(Comparator.comparing(Device::id))
                .collect(Collectors.groupingBy(Device::owner, LinkedHashMap::new, Collectors.toList()));
        Map<String, List<Exemption>> byMember = exemptions.all().stream()
                .collect(Collectors.groupingBy(Exemption::member, LinkedHashMap::new, Collectors.toList()));
        List<Member> roster = new ArrayList<>(members.all());
        roster.sort(Comparator.comparing(Member::id));
        Set<String> known = roster.stream().map(Member::id).collect(Collectors.toSet());
        Set<String> strangers = new LinkedHashSet<>();
        for (String owner : byOwner.keySet()) {
            if (!known.contains(owner)) {
                strangers.add(owner);
                roster.add(new Member(owner, "(not on the roster)", "", org.appban.domain.Role.MEMBER, false, true));
            }
        }
        List<String> names = roster.stream().map(m -> "member#" + m.id()).toList();
        Map<String, List<LedgerEntry>> byName = ledger.chainsNamed(names);
        Map<String, List<LedgerEntry>> chains = new LinkedHashMap<>();
        for (Member m : roster) chains.put(m.id(), byName.get("member#" + m.id()));
        return new FleetSnapshot(policy, at, roster, byOwner, byMember, chains, strangers);
    }

    public List<Device> devicesOf(String memberId) {
        return devices.getOrDefault(memberId, List.of());
    }

    public List<Exemption> exemptionsOf(String memberId) {
        return exemptions.getOrDefault(memberId, List.of());
    }

    public List<LedgerEntry> ledgerOf(String memberId) {
        return ledger.getOrDefault(memberId, List.of());
    }

    /** Every device, by id (the map's own order changes from one JVM to the next, and reports list them in this one). */
    public List<Device> allDevices() {
        return devices.values().stream().flatMap(List::stream).sorted(Comparator.comparing(Device::id)).toList();
    }

    public Optional<Member> member(String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Notices the ledger says went out to the member ({@value #NOTICE_SENT}, written by the notice sender). */
    public List<LedgerRecord> noticesSent(String memberId) {
        return ledgerOf(memberId).stream().map(LedgerEntry::record)
                .filter(r -> NOTICE_SENT.equals(r.action()) && !r.dryRun()).toList();
    }

    /** Ids of the stages sent to the member. */
    public Set<String> stagesSent(String memberId) {
        return noticesSent(memberId).stream().map(r -> r.details().get("stage"))
                .filter(java.util.Objects::nonNull).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** When the member last attested that their private devices are clean, if ever. */
    public Optional<Instant> attestedAt(String memberId) {
        return Attestations.latest(ledgerOf(memberId));
    }

    /** True when the member's chain holds an entry with this idempotency key. */
    public boolean recorded(String memberId, String idempotencyKey) {
        return ledgerOf(memberId).stream().anyMatch(e -> idempotencyKey.equals(e.record().idempotencyKey()));
    }
}
