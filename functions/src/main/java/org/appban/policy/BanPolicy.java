package org.appban.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A ban, as data: which app, when it is announced and enforced, in which zone, what members are told and when,
 * and the limits the functions keep to. Nothing about a particular ban lives in code.
 */
public record BanPolicy(
        String id,
        String title,
        String organisation,
        BannedApp app,
        ZoneId zone,
        LocalDate announcement,
        LocalDateTime deadline,
        Notices notices,
        PrivateDevices privateDevices,
        Enforcement enforcement,
        Exemptions exemptions,
        Sender sender,
        Contact contact,
        ZoneOffset deadlineOffset) {

    /**
     * A policy whose deadline's local time has one offset in its zone (the loader refuses it otherwise).
     * {@code deadlineOffset} is the offset the policy wrote with a deadline in a daylight-saving overlap
     * ({@code 2025-10-26T01:30+01:00}: the first of the two 01:30s in London), null when the local time says it all.
     */
    public BanPolicy(String id, String title, String organisation, BannedApp app, ZoneId zone, LocalDate announcement,
                     LocalDateTime deadline, Notices notices, PrivateDevices privateDevices, Enforcement enforcement,
                     Exemptions exemptions, Sender sender, Contact contact) {
        this(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices, enforcement,
                exemptions, sender, contact, null);
    }

    /**
     * @param sendTime            local time of day scheduled notices go out
     * @param weekendDaysBeforeDeadline within this many days before the deadline, weekends count as send days
     *                            (0: business days only throughout)
     * @param holidays            local dates that are not business days
     */
    public record Notices(LocalTime sendTime, int weekendDaysBeforeDeadline, List<LocalDate> holidays,
                          List<NoticeStage> stages, Set<StageKind> notSent) {
        /** A policy with a stage for every kind it sends and nothing said about kinds it does not. */
        public Notices(LocalTime sendTime, int weekendDaysBeforeDeadline, List<LocalDate> holidays, List<NoticeStage> stages) {
            this(sendTime, weekendDaysBeforeDeadline, holidays, stages, Set.of());
        }

        /**
         * True when the policy says, in {@code notices.notSent}, that this ban sends no notice of the kind: the
         * campaign records the occasion and tells nobody, by the author's choice rather than by an omission.
         */
        public boolean sendsNone(StageKind kind) {
            return notSent != null && notSent.contains(kind);
        }
        public Optional<NoticeStage> stage(String id) {
            return stages.stream().filter(s -> s.id().equals(id)).findFirst();
        }

        public Optional<NoticeStage> firstOfKind(StageKind kind) {
            return stages.stream().filter(s -> s.kind() == kind).findFirst();
        }
    }

    /**
     * @param graceDays          after the deadline, days a private device has before its network access is cut
     * @param quietPeriodDays    days without telemetry after which a quarantined device counts as clean
     * @param attestationLinkDays how long a signed attestation link stays valid
     */
    public record PrivateDevices(int graceDays, int quietPeriodDays, int attestationLinkDays) {
    }

    /**
     * @param escalateAfterDays days a corporate device may still carry the app after the deadline before escalation
     * @param maxDevicesPerRun  blast-radius cap: more devices than this in one run needs explicit confirmation
     * @param maxFleetShare     same, as a share of the in-scope fleet (0 to 1)
     */
    public record Enforcement(int escalateAfterDays, int maxDevicesPerRun, double maxFleetShare) {
    }

    /**
     * @param maxDays            the longest an exemption may be granted for
     * @param expiringNoticeDays how many days before expiry the member is told
     * @param approvers          identities allowed to grant or refuse
     */
    public record Exemptions(int maxDays, int expiringNoticeDays, List<String> approvers, String requestInstructions) {
    }

    public record Sender(String address, String name, String replyTo) {
    }

    public record Contact(String name, String email, String phone) {
    }

    public ZonedDateTime deadlineInZone() {
        return deadlineOffset == null ? deadline.atZone(zone) : ZonedDateTime.ofLocal(deadline, zone, deadlineOffset);
    }

    public Instant deadlineInstant() {
        return deadlineInZone().toInstant();
    }

    public Instant announcementInstant() {
        return announcement.atTime(notices.sendTime()).atZone(zone).toInstant();
    }

    /** The moment private devices that still carry the app lose network access. */
    public Instant privateGraceEnds() {
        return deadlineInZone().plusDays(privateDevices.graceDays()).toInstant();
    }
}
