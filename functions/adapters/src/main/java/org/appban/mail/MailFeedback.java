package org.appban.mail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.appban.input.StrictObject;

/**
 * A bounce or complaint SES reported about a message we sent, read from SES's event record (the {@code detail} of
 * an EventBridge {@code aws.ses} event, which is the same record SES publishes to SNS and Firehose).
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

    /**
     * Reads SES's event record. {@code expected} is the kind the EventBridge detail-type announced; a record of
     * another kind is a problem at {@code eventType}.
     */
    public static MailFeedback fromSesEvent(StrictObject d, Kind expected) {
        String eventType = d.has("eventType") ? d.text("eventType") : d.text("notificationType");
        String eventField = d.has("eventType") ? "eventType" : "notificationType";
        Kind kind = null;
        if ("Bounce".equals(eventType)) kind = Kind.BOUNCE;
        else if ("Complaint".equals(eventType)) kind = Kind.COMPLAINT;
        else if (eventType != null) d.problem(eventField, "'" + eventType + "' is not Bounce or Complaint");
        if (kind != null && expected != null && kind != expected) {
            d.problem(eventField, "'" + eventType + "' does not match the event's detail-type (" + expected.wireName() + ")");
        }

        StrictObject mail = d.object("mail", true);
        String messageId = mail == null ? null : mail.text("messageId");
        Map<String, List<String>> tags = new LinkedHashMap<>();
        StrictObject tagObject = mail == null ? null : mail.object("tags", false);
        if (tagObject != null) {
            for (String name : tagObject.fieldNames()) tags.put(name, tagObject.texts(name, false));
        }

        StrictObject body = kind == null ? null : d.object(kind == Kind.BOUNCE ? "bounce" : "complaint", true);
        if (body == null) return null;
        String feedbackId = body.text("feedbackId");
        Instant at = body.instant("timestamp", true);
        List<String> recipients = new ArrayList<>();
        String diagnostic = null;
        for (StrictObject r : body.objects(kind == Kind.BOUNCE ? "bouncedRecipients" : "complainedRecipients", true)) {
            String address = r.text("emailAddress");
            if (address != null) recipients.add(bare(address));
            if (diagnostic == null && kind == Kind.BOUNCE) diagnostic = r.optionalText("diagnosticCode").orElse(null);
        }
        if (recipients.isEmpty()) body.problem(kind == Kind.BOUNCE ? "bouncedRecipients" : "complainedRecipients", "lists no recipient");
        String type = kind == Kind.BOUNCE ? body.text("bounceType") : body.optionalText("complaintFeedbackType").orElse(null);
        String subType = kind == Kind.BOUNCE ? body.optionalText("bounceSubType").orElse(null)
                : body.optionalText("complaintSubType").orElse(null);
        if (feedbackId == null || at == null || messageId == null || (kind == Kind.BOUNCE && type == null)) return null;
        return new MailFeedback(kind, feedbackId, messageId, at, recipients, type, subType, tags, diagnostic);
    }

    /** {@code "Name <a@b>"} or {@code a@b}, as SES may write either: the address, lower-cased. */
    static String bare(String address) {
        String s = address.strip();
        int open = s.lastIndexOf('<');
        int close = s.lastIndexOf('>');
        if (open >= 0 && close > open) s = s.substring(open + 1, close);
        return s.strip().toLowerCase(Locale.ROOT);
    }
}
