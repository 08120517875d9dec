package org.appban.mail;

import java.nio.charset.StandardCharsets;

/** A message encoded for the wire (RFC 5322 + MIME, CRLF line endings), with its Message-ID. */
public record MimeEmail(byte[] bytes, String messageId) {
    public String asText() {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
