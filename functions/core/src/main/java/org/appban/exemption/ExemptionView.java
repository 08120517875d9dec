package org.appban.exemption;

import java.time.Instant;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;

/**
 * An exemption as administrators read it, with its state at the moment of reading: {@code requested},
 * {@code active} (granted, not expired), {@code expired} (granted, past its expiry), {@code refused} or
 * {@code revoked}.
 *
 * @param scope {@code member} (all of the member's devices) or {@code device}
 */
public record ExemptionView(String id, String member, String scope, String device, String state, String reason,
                            String requestedBy, Instant requestedAt, String decidedBy, Instant decidedAt,
                            Instant expires, String revokedBy, Instant revokedAt) {

    public static final java.util.List<String> STATES = java.util.List.of("requested", "active", "expired", "refused", "revoked");

    public static ExemptionView of(Exemption e, Instant now) {
        return new ExemptionView(e.id(), e.member(), e.coversWholeMember() ? "member" : "device", e.device(), state(e, now),
                e.reason(), e.requestedBy(), e.requestedAt(), e.decidedBy(), e.decidedAt(), e.expires(), e.revokedBy(), e.revokedAt());
    }

    public static String state(Exemption e, Instant now) {
        if (e.status() == ExemptionStatus.GRANTED) return now.isBefore(e.expires()) ? "active" : "expired";
        return e.status().name().toLowerCase(java.util.Locale.ROOT);
    }
}
