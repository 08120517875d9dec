package org.appban.notice;

import java.time.Instant;
import org.appban.domain.Member;
import org.appban.policy.NoticeStage;

/**
 * Gives the signed exemption and attestation links for one member's notice. The signing function owns the
 * secret and the link format; this function only places the links in the email.
 */
@FunctionalInterface
public interface LinkIssuer {
    NoticeLinks linksFor(Member member, NoticeStage stage, Instant now);

    /** No links: the notices say how to write to the contact instead. */
    static LinkIssuer none() {
        return (member, stage, now) -> NoticeLinks.NONE;
    }
}
