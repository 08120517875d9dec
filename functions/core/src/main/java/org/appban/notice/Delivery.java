package org.appban.notice;

import java.util.Locale;

/**
 * What happened to one notice in one run.
 *
 * @param providerMessageId SES's message id (or the outbox's) when sent now or before; else null
 * @param takenOver         this run took the claim over from a run that died holding it (see {@link NoticeSender})
 * @param accountWide       the refusal applies to every message (daily quota used up, sending paused, identity
 *                          not verified): a run should stop rather than try every member
 * @param detail            the provider's reason for a refusal or the error of an unknown outcome; else null
 */
public record Delivery(String key, Status status, String providerMessageId, boolean takenOver, boolean accountWide,
                       String detail) {
    public enum Status {
        /** Sent by this run. */
        SENT,
        /** Sent before (by this or another run): nothing done. */
        ALREADY_SENT,
        /** Another live run holds the claim: nothing done; that run sends it. */
        IN_PROGRESS_ELSEWHERE,
        /** The provider asked us to slow down even after retries: nothing sent, claim released, a later run sends it. */
        THROTTLED,
        /** The provider refused the message: nothing sent, claim released, the reason is recorded. */
        REJECTED,
        /** The send failed in a way that may or may not have sent it: the claim stays held until its lease ends. */
        UNKNOWN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
