package org.appban.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How Jamf Pro authenticates its webhooks, as configured in Jamf Pro (Settings, Global, Webhooks): Basic
 * authentication (a username and password), or Header authentication (a header name and value Jamf sends as they are).
 * Jamf signs nothing, so the shared secret itself is what is checked: both sides are hashed (SHA-256) and the hashes
 * compared in constant time, so neither the secret's content nor its length shows in the time a refusal takes.
 *
 * <p>The secret (Secrets Manager, JSON): {@code {"kind":"basic","username":"...","password":"..."}} or
 * {@code {"kind":"header","name":"X-Appban-Jamf","value":"..."}}; a password or value shorter than
 * {@value #MIN_SECRET_CHARS} characters is refused (a webhook URL is public).
 */
public final class JamfWebhookAuth {
    static final int MIN_SECRET_CHARS = 24;

    private final String headerName;
    private final byte[] expected;
    private final boolean basic;

    private JamfWebhookAuth(String headerName, String expectedValue, boolean basic) {
        this.headerName = headerName.toLowerCase(Locale.ROOT);
        this.expected = sha256(expectedValue);
        this.basic = basic;
    }

    public static JamfWebhookAuth basic(String username, String password) {
        Objects.requireNonNull(username, "username");
        if (username.isBlank() || username.contains(":")) throw new IllegalArgumentException("the Jamf webhook username must be non-empty and without ':'");
        requireStrong(password, "password");
        return new JamfWebhookAuth("authorization", username + ":" + password, true);
    }

    public static JamfWebhookAuth header(String name, String value) {
        if (name == null || !name.matches("[A-Za-z0-9-]{1,64}")) throw new IllegalArgumentException("the Jamf webhook header name must be a token (letters, digits, '-')");
        requireStrong(value, "header value");
        return new JamfWebhookAuth(name, value, false);
    }

    /** From the secret's fields ({@code kind}, and {@code username}/{@code password} or {@code name}/{@code value}). */
    public static JamfWebhookAuth of(Map<String, String> secret) {
        String kind = secret.get("kind");
        if ("basic".equals(kind)) return basic(secret.get("username"), secret.get("password"));
        if ("header".equals(kind)) return header(secret.get("name"), secret.get("value"));
        throw new IllegalArgumentException("the Jamf webhook secret's kind must be basic or header, found " + kind);
    }

    /**
     * From the secret as stored in Secrets Manager (JSON, see above). A secret that is not such a document fails with
     * what is wrong and where, never its content: the function's Errors alarm then reaches an administrator, and no
     * request is accepted meanwhile.
     */
    public static JamfWebhookAuth fromSecret(org.appban.remote.Secret secret, String source) {
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = org.appban.json.Json.parse(secret.reveal());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the Jamf webhook secret " + source + " is not JSON: expected {\"kind\":\"basic\",\"username\",\"password\"} "
                    + "or {\"kind\":\"header\",\"name\",\"value\"}");
        }
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        json.properties().forEach(f -> {
            if (f.getValue().isTextual()) fields.put(f.getKey(), f.getValue().textValue());
        });
        try {
            return of(fields);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("the Jamf webhook secret " + source + ": " + e.getMessage());
        }
    }

    /** The mode, for reports: {@code basic} or {@code header <name>}. */
    public String describe() {
        return basic ? "basic" : "header " + headerName;
    }

    /**
     * @param headers the request's headers, names in any case
     * @return true when they carry the configured credentials
     */
    public boolean accepts(Map<String, String> headers) {
        String presented = null;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().toLowerCase(Locale.ROOT).equals(headerName)) presented = h.getValue();
        }
        if (presented == null) return false;
        if (basic) presented = decodeBasic(presented);
        // A missing or malformed credential is compared too, against nothing that can match: one path, one timing.
        return MessageDigest.isEqual(expected, sha256(presented == null ? "" : presented)) && presented != null;
    }

    private static String decodeBasic(String header) {
        String h = header.strip();
        if (h.length() < 6 || !h.substring(0, 6).equalsIgnoreCase("basic ")) return null;
        try {
            return new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void requireStrong(String secret, String what) {
        if (secret == null || secret.length() < MIN_SECRET_CHARS) {
            throw new IllegalArgumentException("the Jamf webhook " + what + " must be at least " + MIN_SECRET_CHARS + " characters");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
