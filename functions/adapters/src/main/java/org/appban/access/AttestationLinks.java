package org.appban.access;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.appban.domain.Member;
import org.appban.exemption.ExemptionLinks;
import org.appban.notice.LinkIssuer;
import org.appban.notice.NoticeLinks;
import org.appban.policy.NoticeStage;

/**
 * The attestation link in each notice: the attestation function's URL ({@code ATTESTATION_URL}) with a signed
 * token bound to the member, valid for the policy's {@code attestationLinkDays}. The same member, stage and
 * instant give the same link (a re-rendered notice is byte for byte the same); different notices give different,
 * independently usable links. Exemption links are not this issuer's: it leaves them out.
 */
public final class AttestationLinks implements LinkIssuer {
    private final SignedLinks links;
    private final URI base;
    private final Duration validity;

    public AttestationLinks(SignedLinks links, URI base, int linkDays) {
        if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("ATTESTATION_URL must be an absolute https:// URL, not " + base);
        }
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("ATTESTATION_URL must have no query or fragment: " + base);
        }
        this.links = links;
        this.base = base;
        this.validity = Duration.ofDays(linkDays);
    }

    @Override
    public NoticeLinks linksFor(Member member, NoticeStage stage, Instant now) {
        return new NoticeLinks(null, url(member.id(), stage.id(), now));
    }

    /** The notices' links: the exemption request link from {@code exemptions}, and this attestation link. */
    public LinkIssuer withExemptionLinks(ExemptionLinks exemptions) {
        return (member, stage, now) -> new NoticeLinks(exemptions.requestUrl(member, now).orElse(null), url(member.id(), stage.id(), now));
    }

    /** The link for a member, issued at {@code now} for the given purpose (a stage id, or any label). */
    public String url(String memberId, String issuedFor, Instant now) {
        String token = links.sign(memberId, now.plus(validity), links.nonce(memberId, issuedFor, now.toString()));
        String b = base.toString();
        return b + (b.endsWith("/") ? "" : "/") + "?t=" + token;
    }
}
