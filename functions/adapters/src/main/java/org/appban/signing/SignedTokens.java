package org.appban.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.appban.json.Json;

/**
 * The one signed-link format of the campaign, used by every link it mails (attestation links through
 * {@code access.SignedLinks}, exemption request links through {@code exemption.SignedExemptionLinks}), with the one
 * {@link Signer}. Tokens for signed links: who a link is for ({@code subject}, e.g. a member id), what it may be used for
 * ({@code purpose}, so an exemption link cannot be replayed as an attestation link) and until when.
 *
 * <p>Format: {@code v1.<base64url(payload JSON)>.<base64url(HMAC-SHA256 of "v1." + payload part)>}, URL-safe as it
 * is. The payload is signed, not encrypted: it holds a member id and dates, nothing secret. The nonce makes two
 * links issued in the same second differ, and gives the endpoint a value to make a request idempotent with.
 */
public final class SignedTokens {
    /** The format's version, the first part of every token. */
    public static final String VERSION = "v1";
    private static final Pattern PURPOSE = Pattern.compile("^[a-z][a-z0-9-]{0,40}$");
    private static final int MAX_TOKEN_CHARS = 2048;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Signer signer;
    private final SecureRandom random = new SecureRandom();

    public SignedTokens(Signer signer) {
        this.signer = signer;
    }

    /** What a valid token says. */
    public record Claims(String purpose, String subject, Instant expires, String nonce) {
    }

    /** Why a token was refused. The message never repeats the token. */
    public static final class InvalidTokenException extends RuntimeException {
        private final Reason reason;

        public InvalidTokenException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    public enum Reason { MALFORMED, BAD_SIGNATURE, WRONG_PURPOSE, EXPIRED }

    public String issue(String purpose, String subject, Instant expires) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return issue(purpose, subject, expires, HexFormat.of().formatHex(nonce));
    }

    /**
     * A nonce derived from {@code parts} under the key: the same parts give the same nonce (so a notice rendered again
     * for a retry carries the same link), and nobody without the key can tell what nonce a link will carry.
     */
    public String nonce(String... parts) {
        byte[] mac = signer.sign(("nonce\n" + String.join("\u0000", parts)).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(java.util.Arrays.copyOf(mac, 12));
    }

    /** With a given nonce (see {@link #nonce}). */
    public String issue(String purpose, String subject, Instant expires, String nonce) {
        if (!PURPOSE.matcher(purpose).matches()) throw new IllegalArgumentException("purpose must be lower-case words with dashes: " + purpose);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(expires, "expires");
        ObjectNode payload = Json.object()
                .put("p", purpose).put("s", subject).put("exp", expires.getEpochSecond()).put("n", nonce);
        String body = VERSION + "." + ENCODER.encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        return body + "." + ENCODER.encodeToString(signer.sign(body.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The claims of a token issued for {@code purpose} and still valid at {@code now}.
     *
     * @throws InvalidTokenException naming what is wrong (checked in this order: form, signature, purpose, expiry)
     */
    public Claims verify(String token, String purpose, Instant now) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) throw malformed();
        String[] parts = token.strip().split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) throw malformed();
        byte[] signature;
        byte[] payloadBytes;
        try {
            signature = DECODER.decode(parts[2]);
            payloadBytes = DECODER.decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        String body = parts[0] + "." + parts[1];
        if (!signer.verify(body.getBytes(StandardCharsets.US_ASCII), signature)) {
            throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the link's signature does not match: it was altered or not issued by us");
        }
        JsonNode payload;
        try {
            payload = Json.parse(payloadBytes);
        } catch (IOException e) {
            throw malformed();
        }
        if (payload == null || !payload.path("p").isTextual() || !payload.path("s").isTextual()
                || !payload.path("exp").canConvertToLong() || !payload.path("n").isTextual()) {
            throw malformed();
        }
        Claims claims = new Claims(payload.get("p").textValue(), payload.get("s").textValue(),
                Instant.ofEpochSecond(payload.get("exp").longValue()), payload.get("n").textValue());
        if (!claims.purpose().equals(purpose)) {
            throw new InvalidTokenException(Reason.WRONG_PURPOSE, "the link is for " + claims.purpose() + ", not " + purpose);
        }
        if (!now.isBefore(claims.expires())) {
            throw new InvalidTokenException(Reason.EXPIRED, "the link expired at " + claims.expires());
        }
        return claims;
    }

    private static InvalidTokenException malformed() {
        return new InvalidTokenException(Reason.MALFORMED, "not a link token of ours (malformed)");
    }
}
