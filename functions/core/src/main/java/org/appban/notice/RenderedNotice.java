package org.appban.notice;

import java.util.Objects;

/**
 * A notice in words: one subject line, and the same content as HTML and as plain text.
 *
 * @param subjectOnRecord the subject as the ledger may keep it: the subject itself when its template names no value
 *                        about the member ({@link NoticeModel#NOT_PERSONAL_KEYS}), else null (the ledger then keeps a
 *                        keyed hash of it)
 */
public record RenderedNotice(String subject, String html, String text, String subjectOnRecord) {
    public RenderedNotice {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(text, "text");
    }

    /** A notice whose subject is not known to be free of the member's data: it is not kept in the ledger. */
    public RenderedNotice(String subject, String html, String text) {
        this(subject, html, text, null);
    }
}
