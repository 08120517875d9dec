package org.appban.exemption;

import java.time.Instant;
import java.util.function.Consumer;
import org.appban.domain.Exemption;
import org.appban.notice.NoticeRequest;
import org.appban.policy.StageKind;

/**
 * Asks the notify function to tell a member about their exemption. One method per notice the policy has for
 * exemptions; each call must be idempotent for the same exemption and kind (the notify side keys its email on
 * member, kind and occasion, and the occasion is the exemption id), because the exemption service re-asks after a
 * failure it cannot tell apart from success.
 *
 * <p>Refusal and revocation have no notice kind in the policy: the member hears of those from the approver.
 */
public interface ExemptionNotices {
    /** The exemption was granted at {@code at}; the notice states its scope and expiry. */
    void granted(Exemption exemption, Instant at);

    /** The exemption ends in the policy's {@code expiringNoticeDays}. */
    void expiring(Exemption exemption, Instant at);

    /** The exemption ended at {@code at} (its expiry): the ban applies to the device(s) again. */
    void expired(Exemption exemption, Instant at);

    /** Sends the notice of the given exemption kind. */
    default void request(StageKind kind, Exemption exemption, Instant at) {
        switch (kind) {
            case EXEMPTION_GRANTED -> granted(exemption, at);
            case EXEMPTION_EXPIRING -> expiring(exemption, at);
            case EXEMPTION_EXPIRED -> expired(exemption, at);
            default -> throw new IllegalArgumentException(kind.wireName() + " is not an exemption notice");
        }
    }

    /**
     * As {@link NoticeRequest}s for the notify function, with the exemption id as the occasion (so each kind is
     * emailed once per exemption however often it is asked for). Hook it to the publisher:
     * {@code ExemptionNotices.asRequests(noticeRequests::publish)}.
     */
    static ExemptionNotices asRequests(Consumer<NoticeRequest> publish) {
        return new ExemptionNotices() {
            @Override
            public void granted(Exemption e, Instant at) {
                publish.accept(toRequest(StageKind.EXEMPTION_GRANTED, e, at));
            }

            @Override
            public void expiring(Exemption e, Instant at) {
                publish.accept(toRequest(StageKind.EXEMPTION_EXPIRING, e, at));
            }

            @Override
            public void expired(Exemption e, Instant at) {
                publish.accept(toRequest(StageKind.EXEMPTION_EXPIRED, e, at));
            }
        };
    }

    static NoticeRequest toRequest(StageKind kind, Exemption e, Instant at) {
        return new NoticeRequest(kind, e.member(), e.device(), e.id(), at, e.id());
    }
}
