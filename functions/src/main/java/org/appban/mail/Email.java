package org.appban.mail;

import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * One email to one recipient, before encoding: a subject and the same content as plain text and HTML.
 *
 * @param replyTo   may be null
 * @param date      when it is sent, in the zone its Date header should show
 * @param messageId the Message-ID without angle brackets, e.g. from {@link MessageIds#forKey}
 */
public record Email(Mailbox from, Mailbox to, EmailAddress replyTo, String subject, String text, String html,
                    ZonedDateTime date, String messageId) {
    public Email {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(messageId, "messageId");
    }
}
