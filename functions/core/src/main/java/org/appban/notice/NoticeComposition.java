package org.appban.notice;

import java.time.Instant;
import org.appban.mail.EmailAddress;

/**
 * Turns a due notice into the email that carries it (words, links, MIME): the port notify-members composes through,
 * so that the run does not depend on the template engine, the MIME writer or the calendar library
 * ({@code notice.NoticeComposer} in adapters).
 */
public interface NoticeComposition {
    /**
     * @throws EmailAddress.InvalidAddressException when the member's address cannot be mailed to (the roster's
     *         problem: reported, nothing claimed, so the notice goes out once the address is fixed)
     */
    ComposedNotice compose(DueNotice notice, Instant now);
}
