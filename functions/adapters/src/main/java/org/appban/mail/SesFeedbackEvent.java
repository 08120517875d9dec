package org.appban.mail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appban.input.StrictObject;

/** Reads a {@link MailFeedback} from SES's event record: unknown fields accepted, the fields used checked strictly. */
public final class SesFeedbackEvent {
    private SesFeedbackEvent() {
    }

    /**
     * Reads SES's event record. {@code expected} is the kind the EventBridge detail-type announced; a record of
     * another kind is a problem at {@code eventType}.
     */
    public static MailFeedback read(StrictObject d, MailFeedback.Kind expected) {
        String eventType = d.has("eventType") ? d.text("eventType") : d.text("notificationType");
        String eventField = d.has("eventType") ? "eventType" : "notificationType";
        MailFeedback.Kind kind = null;
        if ("Bounce".equals(eventType)) kind = MailFeedback.Kind.BOUNCE;
        else if ("Complaint".equals(eventType)) kind = MailFeedback.Kind.COMPLAINT;
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

        StrictObject body = kind == null ? null : d.object(kind == MailFeedback.Kind.BOUNCE ? "bounce" : "complaint", true);
        if (body == null) return null;
        String feedbackId = body.text("feedbackId");
        Instant at = body.instant("timestamp", true);
        List<String> recipients = new ArrayList<>();
        String diagnostic = null;
        for (StrictObject r : body.objects(kind == MailFeedback.Kind.BOUNCE ? "bouncedRecipients" : "complainedRecipients", true)) {
            String address = r.text("emailAddress");
            if (address != null) recipients.add(bare(address));
            if (diagnostic == null && kind == MailFeedback.Kind.BOUNCE) diagnostic = r.optionalText("diagnosticCode").orElse(null);
        }
        if (recipients.isEmpty()) body.problem(kind == MailFeedback.Kind.BOUNCE ? "bouncedRecipients" : "complainedRecipients", "lists no recipient");
        String type = kind == MailFeedback.Kind.BOUNCE ? body.text("bounceType") : body.optionalText("complaintFeedbackType").orElse(null);
        String subType = kind == MailFeedback.Kind.BOUNCE ? body.optionalText("bounceSubType").orElse(null)
                : body.optionalText("complaintSubType").orElse(null);
        if (feedbackId == null || at == null || messageId == null || (kind == MailFeedback.Kind.BOUNCE && type == null)) return null;
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
