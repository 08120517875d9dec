package org.appban.mail;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One email to one recipient, before encoding: a subject and the same content as plain text and HTML.
 *
 * @param replyTo   may be null
 * @param date      when it is sent, in the zone its Date header should show
 * @param messageId the Message-ID without angle brackets, e.g. from {@link MessageIds#forKey}
 * @param attachments files sent with it (the deadline's calendar event), possibly none
 */
public record Email(Mailbox from, Mailbox to, EmailAddress replyTo, String subject, String text, String html,
                    ZonedDateTime date, String messageId, List<Attachment> attachments) {
    public Email(Mailbox from, Mailbox to, EmailAddress replyTo, String subject, String text, String html,
                 ZonedDateTime date, String messageId) {
        this(from, to, replyTo, subject, text, html, date, messageId, List.of());
    }

    public Email {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(messageId, "messageId");
        attachments = List.copyOf(attachments);
    }
}
