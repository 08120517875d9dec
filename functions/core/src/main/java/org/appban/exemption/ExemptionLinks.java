package org.appban.exemption;

import java.time.Instant;
import java.util.Optional;
import org.appban.domain.Member;

/**
 * The link a notice carries for the member to ask for an exemption themselves. The notices call this; the link's
 * format and its signing stay here. Feed it to the notices' {@code LinkIssuer} as the exemption URL, e.g.
 * {@code (m, stage, now) -> new NoticeLinks(exemptionLinks.requestUrl(m, now).orElse(null), attestationUrl(...))}.
 */
@FunctionalInterface
public interface ExemptionLinks {
    Optional<String> requestUrl(Member member, Instant now);

    /** No self-service link: the notices tell members to write to the contact instead. */
    static ExemptionLinks none() {
        return (member, now) -> Optional.empty();
    }
}
