package org.appban.notice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.Member;
import org.appban.fleet.MdmCapabilities;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.policy.StageKind;

/**
 * Decides which notices are due for a member now. Pure: a snapshot and an instant in, a decision out.
 *
 * <h2>Who gets which scheduled stage</h2>
 * <ul>
 *   <li>Inactive and mail-blocked members get nothing.</li>
 *   <li>The announcement goes to every other member: with the app somewhere, it lists the devices; with private
 *       devices nobody can check, or with no known device, it asks them to confirm their private devices are clean;
 *       with nothing to do, it still tells them the rule.</li>
 *   <li>Reminders and the deadline notice go to members who must act ({@link MemberStanding#ACTION_NEEDED}) or
 *       confirm ({@link MemberStanding#CONFIRM_NEEDED}). A member who complied, whose remaining devices are all
 *       exempt, or who has no known device stops getting them (the last: the announcement already asked, and a
 *       member with no device on the network is no risk to chase).</li>
 *   <li>An overdue notice goes only to a member with a device, not exempt, that still carries the app and that only
 *       the member can clean: a private device the MDM still reports non-compliant, or a corporate device whose
 *       inventory lists the app and whose MDM cannot remove it (an unsupervised iPhone); it says when that device's
 *       network access is (or was) cut. (A corporate device the MDM could remove but has not is escalated by
 *       enforcement instead, with its own notice.)</li>
 * </ul>
 *
 * <h2>Catching up, never repeating</h2>
 * Of the scheduled stages already due and applicable to the member, only the latest is considered. It is sent
 * unless it, or any stage scheduled at or after it, was already sent. So a member found late gets one catch-up
 * notice, never a burst of missed reminders; a stage is never sent twice; and the campaign never goes backwards
 * (after an overdue notice, no earlier reminder follows).
 */
public final class NoticePlanner {
    private final BanPolicy policy;
    private final NoticeCalendar calendar;

    public NoticePlanner(BanPolicy policy, NoticeCalendar calendar) {
        this.policy = policy;
        this.calendar = calendar;
    }

    public NoticePlanner(BanPolicy policy) {
        this(policy, new NoticeCalendar(policy));
    }

    public NoticeCalendar calendar() {
        return calendar;
    }

    /** The scheduled stage due for this member now, if any. */
    public NoticeDecision due(MemberSnapshot snapshot, Instant now) {
        Member member = snapshot.member();
        if (!member.active()) return NoticeDecision.none("inactive");
        if (member.mailBlocked()) return NoticeDecision.none("mail-blocked");
        List<ScheduledNotice> due = calendar.dueAt(now);
        if (due.isEmpty()) return NoticeDecision.none("not-yet");
        Assessment assessment = assess(snapshot, now);
        List<ScheduledNotice> applicable = due.stream().filter(s -> applies(s.stage().kind(), assessment)).toList();
        if (applicable.isEmpty()) {
            return NoticeDecision.none(assessment.standing() == MemberStanding.NOTHING_TO_DO ? "nothing-to-do" : "not-applicable");
        }
        ScheduledNotice latest = applicable.get(applicable.size() - 1);
        boolean sentAtOrAfter = calendar.scheduled().stream()
                .filter(s -> !s.sendAt().isBefore(latest.sendAt()))
                .anyMatch(s -> snapshot.sentStageIds().contains(s.stage().id()));
        if (sentAtOrAfter) return NoticeDecision.none("already-sent");
        return NoticeDecision.of(new DueNotice(member, latest.stage(), latest.sendAt(), assessment.standing(),
                assessment.lines(), null, null, null));
    }

    /**
     * The notice another function asked for, checked against the snapshot. A request about a device or exemption
     * that is not the member's is refused with {@link IllegalArgumentException}: that is a caller's bug, not
     * something to mail about. Whether it was already sent is the sender's concern (its key includes the occasion).
     */
    public NoticeDecision requested(MemberSnapshot snapshot, NoticeRequest request, Instant now) {
        Member member = snapshot.member();
        if (!member.id().equals(request.member())) {
            throw new IllegalArgumentException("request for member " + request.member() + " checked against " + member.id());
        }
        NoticeStage stage = policy.notices().firstOfKind(request.kind()).orElseThrow(() -> new IllegalArgumentException(
                "policy " + policy.id() + " has no '" + request.kind().wireName() + "' stage"));
        Device device = null;
        if (request.device() != null) {
            device = snapshot.devices().stream().filter(d -> d.id().equals(request.device())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("device " + request.device() + " is not a device of member " + member.id()));
        }
        Exemption exemption = null;
        if (request.exemption() != null) {
            exemption = snapshot.exemptions().stream().filter(e -> e.id().equals(request.exemption())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("exemption " + request.exemption() + " is not an exemption of member " + member.id()));
            if (exemption.expires() == null) {
                throw new IllegalArgumentException("exemption " + exemption.id() + " has no expiry (status " + exemption.status() + ")");
            }
        }
        if (!member.active()) return NoticeDecision.none("inactive");
        if (member.mailBlocked()) return NoticeDecision.none("mail-blocked");
        Assessment assessment = assess(snapshot, now);
        return NoticeDecision.of(new DueNotice(member, stage, request.occurredAt(), assessment.standing(),
                assessment.lines(), request, device, exemption));
    }

    /** The member's standing and device lines at {@code now}. */
    public Assessment assess(MemberSnapshot snapshot, Instant now) {
        List<DeviceLine> lines = new ArrayList<>();
        for (Device d : snapshot.devices()) {
            if (d.retired()) continue;
            lines.add(line(d, snapshot, now));
        }
        lines.sort(Comparator.comparing((DeviceLine l) -> l.device().ownership())
                .thenComparing(l -> l.device().label()).thenComparing(l -> l.device().id()));
        return new Assessment(standing(lines), List.copyOf(lines));
    }

    private DeviceLine line(Device d, MemberSnapshot snapshot, Instant now) {
        Optional<Exemption> exemption = snapshot.exemptions().stream()
                .filter(e -> e.protects(d, now))
                .max(Comparator.comparing(Exemption::expires));
        if (exemption.isPresent()) return new DeviceLine(d, DeviceFate.EXEMPT, exemption.get().expires(), exemption.get());
        if (d.isCorporate()) {
            return switch (d.appPresence()) {
                // Whether its own MDM could remove it (a deployment connected to another MDM is the enforcement
                // report's concern, not something to tell the member).
                case PRESENT -> MdmCapabilities.of(d, EnumSet.of(d.mdm())).removable()
                        ? new DeviceLine(d, DeviceFate.REMOVED_BY_MDM, policy.deadlineInstant(), null)
                        : new DeviceLine(d, DeviceFate.REMOVE_YOURSELF, policy.privateGraceEnds(), null);
                case UNKNOWN -> new DeviceLine(d, DeviceFate.CHECK_PENDING, policy.deadlineInstant(), null);
                case ABSENT -> new DeviceLine(d, DeviceFate.CLEAN, null, null);
            };
        }
        if (hasEvidenceOfApp(d)) return new DeviceLine(d, DeviceFate.LOSES_ACCESS_UNLESS_REMOVED, policy.privateGraceEnds(), null);
        if (d.compliance() == ComplianceState.COMPLIANT) return new DeviceLine(d, DeviceFate.CLEAN, null, null);
        Instant attested = snapshot.privateDevicesAttestedAt();
        if (attested != null && !attested.isAfter(now)) return new DeviceLine(d, DeviceFate.CLEAN, null, null);
        return new DeviceLine(d, DeviceFate.CONFIRM_CLEAN, policy.privateGraceEnds(), null);
    }

    /** A private device's app list is never known; the MDM's restricted-app compliance verdict is the evidence. */
    private static boolean hasEvidenceOfApp(Device d) {
        if (d.isCorporate()) return d.appPresence() == AppPresence.PRESENT;
        return d.compliance() == ComplianceState.NONCOMPLIANT || d.compliance() == ComplianceState.IN_GRACE_PERIOD;
    }

    private static MemberStanding standing(List<DeviceLine> lines) {
        if (lines.isEmpty()) return MemberStanding.NO_KNOWN_DEVICE;
        if (lines.stream().anyMatch(l -> l.fate() == DeviceFate.REMOVED_BY_MDM || l.fate() == DeviceFate.LOSES_ACCESS_UNLESS_REMOVED
                || l.fate() == DeviceFate.REMOVE_YOURSELF)) {
            return MemberStanding.ACTION_NEEDED;
        }
        if (lines.stream().anyMatch(l -> l.fate() == DeviceFate.CONFIRM_CLEAN)) return MemberStanding.CONFIRM_NEEDED;
        return MemberStanding.NOTHING_TO_DO;
    }

    private static boolean applies(StageKind kind, Assessment a) {
        return switch (kind) {
            case ANNOUNCEMENT -> true;
            case REMINDER, DEADLINE -> a.standing() == MemberStanding.ACTION_NEEDED || a.standing() == MemberStanding.CONFIRM_NEEDED;
            case OVERDUE -> a.lines().stream().anyMatch(l -> l.fate() == DeviceFate.LOSES_ACCESS_UNLESS_REMOVED || l.fate() == DeviceFate.REMOVE_YOURSELF);
            default -> false;
        };
    }

    /** A member's standing and the lines their notices list. */
    public record Assessment(MemberStanding standing, List<DeviceLine> lines) {
    }
}
