package org.appban.mail;

import java.util.Map;
import java.util.Objects;

/**
 * One encoded message for one recipient, as a {@link org.appban.mail.Mailer} sends it.
 *
 * @param from      the verified sender identity (envelope and SES FromEmailAddress)
 * @param recipient the only address it goes to, whatever the headers say
 * @param tags      small labels for the provider and the outbox (policy, stage, kind, the opaque member id, which
 *                  lets a bounce event be traced to the member); never names or addresses
 */
public record OutgoingMail(EmailAddress from, EmailAddress recipient, MimeEmail mime, Map<String, String> tags) {
    public OutgoingMail {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(mime, "mime");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
