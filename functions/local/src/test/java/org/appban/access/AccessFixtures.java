package org.appban.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appban.domain.MacAddress;
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

/** Devices, exemptions and instants around the bundled policy, for the access specifications. */
final class AccessFixtures {
    static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    static final AccessRules RULES = AccessRules.of(POLICY);
    static final Instant DEADLINE = POLICY.deadlineInstant();
    static final Instant GRACE_ENDS = POLICY.privateGraceEnds();
    static final Duration QUIET = Duration.ofDays(POLICY.privateDevices().quietPeriodDays());
    static final Instant AFTER_GRACE = GRACE_ENDS.plus(Duration.ofHours(10));

    private AccessFixtures() {
    }

    static Device privateUnmanaged(String id, String owner, String mac) {
        return new Device(id, owner, Ownership.PRIVATE, Platform.IOS, "iPhone 13", false, MdmKind.NONE, null, mac(mac),
                AppPresence.UNKNOWN, ComplianceState.NOT_ENROLLED, null, false);
    }

    static Device privateEnrolled(String id, String owner, String mac, ComplianceState compliance, Instant reportedAt) {
        return new Device(id, owner, Ownership.PRIVATE, Platform.IOS, "iPhone 12", false, MdmKind.INTUNE, id + "-mdm", mac(mac),
                AppPresence.UNKNOWN, compliance, reportedAt, false);
    }

    static Device corporate(String id, String owner, String mac) {
        return new Device(id, owner, Ownership.CORPORATE, Platform.IOS, "iPhone 14", true, MdmKind.INTUNE, id + "-mdm", mac(mac),
                AppPresence.PRESENT, ComplianceState.COMPLIANT, DEADLINE, false);
    }

    /** The address a test writes as text; null stays null (a device without a MAC). */
    static MacAddress mac(String text) {
        return text == null ? null : MacAddress.parse(text);
    }

    static Exemption granted(String id, String member, String device, Instant expires) {
        return new Exemption(id, member, device, "needs it for work", ExemptionStatus.GRANTED, member, DEADLINE.minus(Duration.ofDays(10)),
                "approver@example.org", DEADLINE.minus(Duration.ofDays(9)), expires, null, null);
    }

    static Sighting seen(String device, Instant at) {
        return new Sighting(device, "tiktokv.com", at, Sighting.Via.DNS, "s3://telemetry/dns/" + at + ".jsonl");
    }

    static NetworkIdentity unique(String mac) {
        return new NetworkIdentity(NetworkIdentity.Status.UNIQUE, mac(mac), List.of());
    }

    static DeviceFacts facts(Device d) {
        return new DeviceFacts(d, null, NetworkIdentity.of(List.of(d)).get(d.id()), null, null, null);
    }

    static DeviceFacts withAttestation(DeviceFacts f, Instant at) {
        return new DeviceFacts(f.device(), f.exemption(), f.identity(), at, f.latestSighting(), f.record());
    }

    static DeviceFacts withSighting(DeviceFacts f, Sighting s) {
        return new DeviceFacts(f.device(), f.exemption(), f.identity(), f.attestedAt(), s, f.record());
    }

    static DeviceFacts withExemption(DeviceFacts f, Exemption e) {
        return new DeviceFacts(f.device(), e, f.identity(), f.attestedAt(), f.latestSighting(), f.record());
    }

    static DeviceFacts quarantined(DeviceFacts f, Instant since) {
        return new DeviceFacts(f.device(), f.exemption(), f.identity(), f.attestedAt(), f.latestSighting(),
                new AccessRecord(f.device().id(), AccessRecord.State.QUARANTINED, 1, f.identity().mac() == null ? "02:00:00:00:00:99" : f.identity().mac().toString(),
                        "Quarantine", since, "test"));
    }
}
