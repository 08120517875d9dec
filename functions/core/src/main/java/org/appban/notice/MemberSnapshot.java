package org.appban.notice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.Member;

/**
 * Everything the notice decision needs to know about one member, loaded by the service through the ports.
 *
 * @param devices            the member's devices (retired ones are ignored)
 * @param exemptions         the member's exemptions in any state (only granted, unexpired ones protect)
 * @param sentStageIds       scheduled stages already sent or being sent to this member (claims held or completed)
 * @param privateDevicesAttestedAt when the member last confirmed through a signed link that their private devices
 *                           are clean; null if never. Covers private devices without evidence against them only:
 *                           a device the MDM reports non-compliant stays non-compliant whatever was attested.
 */
public record MemberSnapshot(
        Member member,
        List<Device> devices,
        List<Exemption> exemptions,
        Set<String> sentStageIds,
        Instant privateDevicesAttestedAt) {

    public MemberSnapshot {
        Objects.requireNonNull(member, "member");
        devices = List.copyOf(devices);
        exemptions = List.copyOf(exemptions);
        sentStageIds = Set.copyOf(sentStageIds);
    }

    public static MemberSnapshot of(Member member, List<Device> devices, List<Exemption> exemptions) {
        return new MemberSnapshot(member, devices, exemptions, Set.of(), null);
    }

    public MemberSnapshot withSent(Set<String> stageIds) {
        return new MemberSnapshot(member, devices, exemptions, stageIds, privateDevicesAttestedAt);
    }

    public MemberSnapshot withAttestation(Instant at) {
        return new MemberSnapshot(member, devices, exemptions, sentStageIds, at);
    }
}
