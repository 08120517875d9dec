package org.appban.digest;

import java.time.Instant;
import java.util.List;
import org.appban.admin.CampaignHistory;
import org.appban.mail.EmailAddress;
import org.appban.mail.MimeEmail;

/**
 * The digest in words and on the wire, and the day's figures as metric lines: where the template engine and the
 * MIME and JSON writers are (adapters), so that the digest's run (application) decides and sends without them.
 */
public interface DigestComposition {
    String subject(DigestContent content);

    /** The message to one administrator, with this Message-ID (the send's key, so a repeat is the same message). */
    MimeEmail message(DigestContent content, EmailAddress to, String messageKey);

    /** The day's figures as CloudWatch Embedded Metric Format lines: the levels at {@code at}, the last whole day's counts. */
    List<String> metrics(CampaignHistory.History history, Instant at);
}
