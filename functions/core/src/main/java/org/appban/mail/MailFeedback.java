package org.appban.mail;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A bounce or complaint SES reported about a message we sent, read from SES's event record (the {@code detail} of
 * an EventBridge {@code aws.ses} event, which is the same record SES publishes to SNS and Firehose) by
 * {@code SesFeedbackEvent} in adapters.
 *
 * <p>SES writes this record, not us, and adds fields over time, so unknown fields are accepted; the fields used
 * here are checked strictly (type, presence), and a record without them is rejected with their paths.
 *
 * @param feedbackId   SES's id of this bounce or complaint: the same event delivered twice has the same id
 * @param sesMessageId the id SES gave the message when it accepted it (the ledger's {@code providerMessageId})
 * @param recipients   the addresses it is about, lower-cased
 * @param type         SES's bounceType ({@code Permanent}, {@code Transient}, {@code Undetermined}) or the
 *                     complaint's feedback type ({@code abuse}, {@code not-spam}...; may be null)
 * @param subType      SES's bounceSubType or complaintSubType, or null
 * @param tags         the message's tags as SES reports them (each tag a list of values), e.g. {@code member}
 * @param diagnostic   the first recipient's diagnostic code (bounces), or null
 */
public record MailFeedback(Kind kind, String feedbackId, String sesMessageId, Instant at, List<String> recipients,
                           String type, String subType, Map<String, List<String>> tags, String diagnostic) {
    public enum Kind {
        BOUNCE, COMPLAINT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MailFeedback {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(feedbackId, "feedbackId");
        Objects.requireNonNull(at, "at");
        recipients = List.copyOf(recipients);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /**
     * Whether no further mail may go to the recipients: every complaint (except a report that says the message is
     * not spam), and a permanent bounce. A transient or undetermined bounce (mailbox full, message too large) is
     * recorded and reported, and the address kept: SES already retried it for hours, and the next notice may
     * well arrive.
     */
    public boolean blocksAddress() {
        return switch (kind) {
            case COMPLAINT -> !"not-spam".equalsIgnoreCase(type);
            case BOUNCE -> "Permanent".equalsIgnoreCase(type);
        };
    }

    /** The first value of a message tag, if SES reported it. */
    public String tag(String name) {
        List<String> values = tags.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
