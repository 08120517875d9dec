package org.appban.notice;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.policy.BanPolicy;
import org.appban.policy.NoticeStage;
import org.appban.policy.file.PolicyLoader;

/** The bundled policy, variations of its calendar, and members and devices to run notices against. */
final class Fixtures {
    static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");
    static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);

    private Fixtures() {
    }

    /** Local date-time in the policy zone as an instant. */
    static Instant nz(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(AUCKLAND).toInstant();
    }

    static BanPolicy withCalendar(String deadline, int weekendDays, List<LocalDate> holidays, NoticeStage... stages) {
        return withCalendar(POLICY.announcement(), deadline, LocalTime.of(9, 0), weekendDays, holidays, stages);
    }

    static BanPolicy withCalendar(LocalDate announcement, String deadline, LocalTime sendTime, int weekendDays,
                                  List<LocalDate> holidays, NoticeStage... stages) {
        BanPolicy p = POLICY;
        return new BanPolicy(p.id(), p.title(), p.organisation(), p.app(), p.zone(), announcement,
                LocalDateTime.parse(deadline), new BanPolicy.Notices(sendTime, weekendDays, holidays, List.of(stages)),
                p.privateDevices(), p.enforcement(), p.exemptions(), p.sender(), p.contact());
    }

    static Member member(String id) {
        return Member.active(id, "Aroha Tūhoe", id + "@example.org", Role.MEMBER);
    }

    static Device corporate(String id, String owner, Platform platform, String model, AppPresence presence) {
        return new Device(id, owner, Ownership.CORPORATE, platform, model, true, MdmKind.INTUNE, "mdm-" + id,
                null, presence, ComplianceState.COMPLIANT, nz("2023-03-16T08:00"), false);
    }

    static Device personal(String id, String owner, Platform platform, String model, ComplianceState compliance) {
        return new Device(id, owner, Ownership.PRIVATE, platform, model, false,
                compliance == ComplianceState.NOT_ENROLLED ? MdmKind.NONE : MdmKind.INTUNE, null,
                null, AppPresence.UNKNOWN, compliance, nz("2023-03-16T08:00"), false);
    }

    static Exemption granted(String id, String member, String device, Instant expires) {
        return new Exemption(id, member, device, "select committee inquiry into social media", ExemptionStatus.GRANTED,
                member, nz("2023-03-18T10:00"), "ict-security-manager@parliament.govt.nz", nz("2023-03-20T10:00"),
                expires, null, null);
    }
}
