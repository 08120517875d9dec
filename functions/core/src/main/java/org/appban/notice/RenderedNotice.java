package org.appban.notice;

import java.util.Objects;

/** A notice in words: one subject line, and the same content as HTML and as plain text. */
public record RenderedNotice(String subject, String html, String text) {
    public RenderedNotice {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(text, "text");
    }
}
