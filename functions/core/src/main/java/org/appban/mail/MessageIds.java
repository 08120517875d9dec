package org.appban.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Message-IDs derived from the notice's once-only key. The same notice always gets the same Message-ID, so in the
 * one case where it could go out twice (a crash after the provider accepted it and before that was recorded),
 * mail clients that collapse duplicates by Message-ID show it once.
 */
public final class MessageIds {
    private MessageIds() {
    }

    /** {@code <32 hex>@<domain>} (no angle brackets). */
    public static String forKey(String key, String domain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16) + "@" + domain;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
