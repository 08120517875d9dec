package org.appban.notice;

import java.util.Objects;
import org.appban.mail.OutgoingMail;

/**
 * A due notice ready to go: its once-only key, its words, and the encoded message.
 *
 * @param key see {@link NoticeKey}
 */
public record ComposedNotice(String key, DueNotice notice, RenderedNotice rendered, OutgoingMail mail) {
    public ComposedNotice {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(notice, "notice");
        Objects.requireNonNull(rendered, "rendered");
        Objects.requireNonNull(mail, "mail");
    }
}
