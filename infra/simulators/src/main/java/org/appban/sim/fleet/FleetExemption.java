package org.appban.sim.fleet;

import java.time.Instant;

/**
 * An exemption on record when the scenario starts.
 *
 * @param device     null when it covers all of the member's devices
 * @param status     requested, granted, refused or revoked
 * @param approvedBy who decided (null while requested)
 */
public record FleetExemption(
        String id,
        String member,
        String device,
        String reason,
        String approvedBy,
        Instant expires,
        String status,
        String requestedBy) {
}
