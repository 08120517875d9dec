package org.appban.mail;


/**
 * Sends one encoded message to one recipient. Three outcomes, and the difference matters for "exactly once":
 * <ul>
 *   <li>it returns the provider's message id: the provider accepted the message;</li>
 *   <li>it throws {@link Throttled} or {@link Rejected}: the provider refused it, so nothing was sent and the
 *       caller may try again later;</li>
 *   <li>it throws anything else: the outcome is unknown (a timeout after the request left, a 5xx): the message
 *       may or may not have gone out.</li>
 * </ul>
 * Implementations must not retry on their own where a retry could send twice.
 */
public interface Mailer {
    String send(OutgoingMail mail);

    /** The provider refused the message for now: too fast, or the daily quota is used up. Nothing was sent. */
    final class Throttled extends RuntimeException {
        private final boolean quotaExhausted;

        public Throttled(String message, boolean quotaExhausted, Throwable cause) {
            super(message, cause);
            this.quotaExhausted = quotaExhausted;
        }

        /** The daily quota, not the rate: waiting seconds will not help. */
        public boolean quotaExhausted() {
            return quotaExhausted;
        }
    }

    /**
     * The provider refused this message and will refuse it again as it is. Nothing was sent.
     *
     * @param code         the provider's error code, e.g. {@code MessageRejected}
     * @param accountLevel true when every message will be refused (sending paused, account suspended, identity
     *                     not verified): the run should stop instead of trying every member
     */
    final class Rejected extends RuntimeException {
        private final String code;
        private final boolean accountLevel;

        public Rejected(String code, String message, boolean accountLevel, Throwable cause) {
            super(code + ": " + message, cause);
            this.code = code;
            this.accountLevel = accountLevel;
        }

        public String code() {
            return code;
        }

        public boolean accountLevel() {
            return accountLevel;
        }
    }
}
