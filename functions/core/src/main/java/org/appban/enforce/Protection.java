package org.appban.enforce;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.exemption.ExemptionCheck;

/**
 * Whether exemptions shield a device, and since when they stopped shielding it. Pure.
 *
 * <p>Whether a device is protected is the shared {@link ExemptionCheck}'s answer; this adds what enforcement needs
 * besides: which exemption (for the report) and since when a device is no longer protected.
 */
public final class Protection {
    private Protection() {
    }

    public static boolean isProtected(Device device, Collection<Exemption> exemptions, Instant now) {
        return ExemptionCheck.isExempt(exemptions, device, now);
    }

    /** The exemption that shields the device longest, if any shields it now. */
    public static Optional<Exemption> protecting(Device device, Collection<Exemption> exemptions, Instant now) {
        Exemption best = null;
        for (Exemption e : exemptions) {
            if (!e.protects(device, now)) continue;
            if (best == null || e.expires().isAfter(best.expires())) best = e;
        }
        return Optional.ofNullable(best);
    }

    /**
     * When the device came into the ban's reach: the deadline, or later if an exemption shielded it past the
     * deadline and has since expired or been revoked. Escalation counts its days from here, so a member whose
     * exemption ended yesterday is not treated as days overdue.
     */
    public static Instant inScopeSince(Device device, Collection<Exemption> exemptions, Instant deadline, Instant now) {
        Instant since = deadline;
        for (Exemption e : exemptions) {
            if (!covers(e, device)) continue;
            Instant ended = null;
            if (e.status() == ExemptionStatus.GRANTED && e.expires() != null && !e.expires().isAfter(now)) ended = e.expires();
            if (e.status() == ExemptionStatus.REVOKED && e.revokedAt() != null && !e.revokedAt().isAfter(now)) {
                ended = e.expires() != null && e.expires().isBefore(e.revokedAt()) ? e.expires() : e.revokedAt();
            }
            if (ended != null && ended.isAfter(since)) since = ended;
        }
        return since;
    }

    private static boolean covers(Exemption e, Device d) {
        return e.member().equals(d.owner()) && (e.device() == null || e.device().equals(d.id()));
    }
}
