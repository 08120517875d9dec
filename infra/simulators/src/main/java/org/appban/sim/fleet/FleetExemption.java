package org.appban.sim.fleet;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * An exemption on record when the scenario starts.
 *
 * @param device     null when it covers all of the member's devices
 * @param status     requested, granted, refused or revoked
 * @param approvedBy who decided (null while requested)
 * @param expires    when it ends, when the file gives a date-time with an offset; null otherwise
 * @param expiresOn  the last day it covers, when the file gives a date (it ends with that day, in the policy's zone)
 */
public record FleetExemption(
        String id,
        String member,
        String device,
        String reason,
        String approvedBy,
        Instant expires,
        LocalDate expiresOn,
        String status,
        String requestedBy) {

    /** The instant it ends: as given, or the end of its last day in {@code zone} (midnight after it). */
    public Instant expiresIn(ZoneId zone) {
        if (expires != null) return expires;
        return expiresOn == null ? null : expiresOn.plusDays(1).atStartOfDay(zone).toInstant();
    }
}
