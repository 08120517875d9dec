package org.appban.enforce;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;

/** The bundled policy and small devices and exemptions to plan against. */
final class PlannerFixtures {
    static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    static final ZoneId ZONE = POLICY.zone();
    static final Instant DEADLINE = POLICY.deadlineInstant();
    static final Set<MdmKind> BOTH = Set.of(MdmKind.INTUNE, MdmKind.JAMF);

    private PlannerFixtures() {
    }

    static Instant nz(String local) {
        return LocalDateTime.parse(local).atZone(ZONE).toInstant();
    }

    static Device device(String id, String owner, Ownership ownership, Platform platform, boolean supervised, MdmKind mdm, AppPresence presence) {
        AppPresence p = ownership == Ownership.PRIVATE ? AppPresence.UNKNOWN : presence;
        return new Device(id, owner, ownership, platform, platform.displayName() + " " + id, supervised, mdm,
                mdm == MdmKind.NONE ? null : "mdm-" + id, null, p, ComplianceState.COMPLIANT, nz("2023-03-16T08:00"), false);
    }

    static Device supervisedIphone(String id, String owner, AppPresence presence) {
        return device(id, owner, Ownership.CORPORATE, Platform.IOS, true, MdmKind.INTUNE, presence);
    }

    static Exemption granted(String id, String member, String device, Instant expires) {
        return new Exemption(id, member, device, "committee work", ExemptionStatus.GRANTED, member, nz("2023-03-18T10:00"),
                "ict-security-manager@parliament.govt.nz", nz("2023-03-20T10:00"), expires, null, null);
    }

    static EnforcementSnapshot snapshot(List<Device> devices, List<Exemption> exemptions, Map<String, DeviceHistory> history, Instant now) {
        return new EnforcementSnapshot(POLICY, devices, exemptions, history, BOTH, now);
    }
}
