package org.appban.notice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.Member;
import org.appban.policy.NoticeStage;

/**
 * A notice the decision says is due for one member now.
 *
 * @param dueAt     the scheduled send instant, or when the event happened
 * @param devices   the member's devices with what happens to each
 * @param request   the request behind an event-driven notice; null for scheduled stages
 * @param device    the device an event-driven notice is about (resolved from the request), or null
 * @param exemption the exemption an event-driven notice is about, or null
 */
public record DueNotice(Member member, NoticeStage stage, Instant dueAt, MemberStanding standing,
                        List<DeviceLine> devices, NoticeRequest request, Device device, Exemption exemption) {
    public DueNotice {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(standing, "standing");
        devices = List.copyOf(devices);
    }

    public boolean scheduled() {
        return request == null;
    }

    /** The once-only key of this notice for the given policy (see {@link NoticeKey}). */
    public String key(String policyId) {
        return scheduled() ? NoticeKey.scheduled(policyId, member.id(), stage.id())
                : NoticeKey.event(policyId, member.id(), stage.id(), request.occasion());
    }
}
