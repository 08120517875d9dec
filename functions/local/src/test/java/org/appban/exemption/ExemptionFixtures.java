package org.appban.exemption;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.appban.domain.MacAddress;
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
import org.appban.identity.FunctionUrlEvent;
import org.appban.identity.FunctionUrlIdentity;
import org.appban.identity.ProvenPrincipal;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;

/** The bundled policy, its approvers, a small roster and a clock the test moves: shared by the exemption and admin tests. */
public final class ExemptionFixtures {
    public static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    public static final ZoneId ZONE = POLICY.zone();
    /** An approver signed in through IAM Identity Center (the bundled policy's AppbanApprover permission set). */
    public static final String MANAGER = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_5f1c2e3d4a6b7c8d/ict-security-manager@parliament.govt.nz";
    /** A session of the approver role, as the function URL reports it. */
    public static final String APPROVER_SESSION = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/rawiri";
    public static final String OTHER_APPROVER_SESSION = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/mere";
    public static final String CLERK = "arn:aws:sts::111122223333:assumed-role/appban-operator/hana";

    private ExemptionFixtures() {
    }

    /** The principal as AWS proves it: read from the function URL request Lambda would deliver for a call it signed. */
    public static ProvenPrincipal proven(String arn) {
        return FunctionUrlIdentity.of(FunctionUrlEvent.signedBy(arn, "{}"));
    }

    public static Instant nz(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }

    public static Member member(String id) {
        return Member.active(id, "Member " + id, id + "@parliament.govt.nz", Role.MEMBER);
    }

    public static Device corporate(String id, String owner, AppPresence presence) {
        return new Device(id, owner, Ownership.CORPORATE, Platform.IOS, "iPhone 14", true, MdmKind.INTUNE, "mdm-" + id,
                null, presence, ComplianceState.COMPLIANT, nz("2023-03-16T08:00"), false);
    }

    public static Device personal(String id, String owner, ComplianceState compliance) {
        return new Device(id, owner, Ownership.PRIVATE, Platform.ANDROID, "Pixel 7", false,
                compliance == ComplianceState.NOT_ENROLLED ? MdmKind.NONE : MdmKind.INTUNE, "mdm-" + id,
                MacAddress.parse("02:00:00:00:00:" + String.format("%02x", Math.abs(id.hashCode()) % 256)), AppPresence.UNKNOWN, compliance,
                nz("2023-03-16T08:00"), false);
    }

    public static Exemption requested(String id, String member, String device, String requestedBy) {
        return new Exemption(id, member, device, "select committee inquiry into social media", ExemptionStatus.REQUESTED,
                requestedBy, nz("2023-03-18T10:00"), null, null, null, null, null);
    }

    public static Exemption granted(String id, String member, String device, Instant expires) {
        return new Exemption(id, member, device, "select committee inquiry into social media", ExemptionStatus.GRANTED,
                CLERK, nz("2023-03-18T10:00"), MANAGER, nz("2023-03-20T10:00"), expires, null, null);
    }

    /** Exemption notices asked for, in order, as "kind exemption-id". */
    public static final class RecordedNotices implements ExemptionNotices {
        public final List<String> asked = new ArrayList<>();
        public volatile RuntimeException failWith;

        @Override
        public void granted(Exemption e, Instant at) {
            add("exemption-granted", e);
        }

        @Override
        public void expiring(Exemption e, Instant at) {
            add("exemption-expiring", e);
        }

        @Override
        public void expired(Exemption e, Instant at) {
            add("exemption-expired", e);
        }

        private synchronized void add(String kind, Exemption e) {
            if (failWith != null) throw failWith;
            asked.add(kind + " " + e.id());
        }
    }
}
