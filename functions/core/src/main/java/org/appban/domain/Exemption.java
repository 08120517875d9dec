package org.appban.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A documented decision about a named person (and optionally one of their devices) that the ban does not apply to.
 *
 * @param device null when the exemption covers all of the member's devices
 * @param decidedBy the approver who granted or refused it (never the requester)
 * @param expires mandatory once granted
 */
public record Exemption(
        String id,
        String member,
        String device,
        String reason,
        ExemptionStatus status,
        String requestedBy,
        Instant requestedAt,
        String decidedBy,
        Instant decidedAt,
        Instant expires,
        String revokedBy,
        Instant revokedAt) {

    public Exemption {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(status, "status");
        if (status == ExemptionStatus.GRANTED && expires == null) {
            throw new IllegalArgumentException("exemption " + id + ": a granted exemption must have an expiry");
        }
    }

    /** True when this exemption shields the given device from removal pressure at {@code now}. */
    public boolean protects(Device device, Instant now) {
        return status == ExemptionStatus.GRANTED
                && member.equals(device.owner())
                && (this.device == null || this.device.equals(device.id()))
                && now.isBefore(expires);
    }

    public boolean coversWholeMember() {
        return device == null;
    }
}
