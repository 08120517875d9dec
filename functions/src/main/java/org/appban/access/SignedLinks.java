package org.appban.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.appban.remote.Secret;

/**
 * Signs and verifies the member's attestation links. A token is
 * {@code <member, base64url>.<expiry, epoch seconds>.<nonce>.<HMAC-SHA256, base64url>}, the MAC taken over a
 * purpose label and the first three parts with the key from Secrets Manager ({@code SIGNING_SECRET_ARN}). The
 * purpose label keeps these tokens apart from any other link signed with the same key (the admin function may sign
 * exemption links with a similar signer of its own): a signature made for one purpose never verifies for another.
 *
 * <p>The secret is the key itself, or JSON {@code {"key": "...", "previousKey": "..."}} (what template.yaml's
 * {@code SigningSecret} generates): new tokens are signed with {@code key}; tokens signed with {@code previousKey}
 * still verify while the key is rotated, so links already mailed keep working. (The admin function's signer for
 * exemption links reads the same secret the same way; the purpose label keeps the two kinds of link apart.)
 *
 * <p>Verification compares MACs in constant time and checks the signature before the expiry, so a forged token is
 * reported as forged even when its claimed expiry has passed. Single use is not this class's business: the
 * attestation records each nonce once (see {@link AttestationService}).
 */
public final class SignedLinks {
    public static final String ATTESTATION = "appban/attestation/v1";
    /** Shorter keys are refused: HMAC-SHA256 wants at least its output length of key material. */
    static final int MIN_KEY_BYTES = 32;
    /** Longer tokens are not parsed at all. */
    static final int MAX_TOKEN_CHARS = 600;
    private static final Pattern PART = Pattern.compile("^[A-Za-z0-9_-]+$");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** The current key first, then the previous one (if any). */
    private final List<byte[]> keys;
    private final String purpose;

    public SignedLinks(Secret secret, String purpose) {
        this.keys = keys(secret.reveal().strip());
        this.purpose = Objects.requireNonNull(purpose, "purpose");
    }

    private static List<byte[]> keys(String value) {
        List<byte[]> out = new ArrayList<>(2);
        if (!value.startsWith("{")) {
            out.add(checked(value, "the signing key"));
            return out;
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(value);
        } catch (IOException e) {
            // The parser's message may quote the value: leave it out.
            throw new IllegalArgumentException("the signing secret starts with '{' but is not valid JSON");
        }
        JsonNode key = json.get("key");
        if (key == null || !key.isTextual()) throw new IllegalArgumentException("the signing secret has no string field \"key\"");
        out.add(checked(key.textValue(), "field \"key\" of the signing secret"));
        JsonNode previous = json.get("previousKey");
        if (previous != null && previous.isTextual() && !previous.textValue().isBlank()) {
            out.add(checked(previous.textValue(), "field \"previousKey\" of the signing secret"));
        }
        return out;
    }

    private static byte[] checked(String key, String what) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) throw new IllegalArgumentException(what + " must have at least " + MIN_KEY_BYTES + " bytes");
        return bytes;
    }

    /** What a valid token says. */
    public record LinkClaims(String member, Instant expires, String nonce) {
    }

    public enum Problem {
        /** Not a token at all (wrong shape, too long, bad encoding). */
        MALFORMED,
        /** Well formed, but the signature does not match: altered, or signed with another key or for another purpose. */
        FORGED,
        /** Genuine, but past its expiry. */
        EXPIRED
    }

    /** Either the claims of a genuine, unexpired token, or what is wrong with it. */
    public record Verification(LinkClaims claims, Problem problem) {
        public boolean valid() {
            return claims != null;
        }
    }

    public String sign(String member, Instant expires, String nonce) {
        if (!PART.matcher(nonce).matches()) throw new IllegalArgumentException("a nonce is base64url characters only");
        String body = B64.encodeToString(member.getBytes(StandardCharsets.UTF_8)) + "." + expires.getEpochSecond() + "." + nonce;
        return body + "." + B64.encodeToString(mac(body));
    }

    /** A nonce derived from the given parts: unpredictable without the key, the same for the same parts. */
    public String nonce(String... parts) {
        byte[] digest = hmac(String.join("\u0000", parts), "nonce");
        return B64.encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    public Verification verify(String token, Instant now) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) return new Verification(null, Problem.MALFORMED);
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4) return new Verification(null, Problem.MALFORMED);
        for (String p : parts) if (!PART.matcher(p).matches()) return new Verification(null, Problem.MALFORMED);
        byte[] given;
        String member;
        long expiry;
        try {
            given = B64D.decode(parts[3]);
            member = new String(B64D.decode(parts[0]), StandardCharsets.UTF_8);
            expiry = Long.parseLong(parts[1]);
        } catch (IllegalArgumentException e) {
            return new Verification(null, Problem.MALFORMED);
        }
        String body = parts[0] + "." + parts[1] + "." + parts[2];
        boolean genuine = false;
        // Every key is tried, each compared in constant time: timing says nothing about how close a forgery came.
        for (byte[] key : keys) genuine |= MessageDigest.isEqual(hmac(key, body, purpose), given);
        if (!genuine) return new Verification(null, Problem.FORGED);
        Instant expires = Instant.ofEpochSecond(expiry);
        if (!now.isBefore(expires)) return new Verification(null, Problem.EXPIRED);
        return new Verification(new LinkClaims(member, expires, parts[2]), null);
    }

    private byte[] mac(String body) {
        return hmac(keys.get(0), body, purpose);
    }

    private byte[] hmac(String body, String label) {
        return hmac(keys.get(0), body, label);
    }

    private static byte[] hmac(byte[] key, String body, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
