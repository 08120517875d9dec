package org.appban.access;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
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

    private final byte[] key;
    private final String purpose;

    public SignedLinks(Secret key, String purpose) {
        byte[] bytes = key.reveal().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the signing key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = bytes;
        this.purpose = Objects.requireNonNull(purpose, "purpose");
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
        byte[] expected = mac(parts[0] + "." + parts[1] + "." + parts[2]);
        if (!MessageDigest.isEqual(expected, given)) return new Verification(null, Problem.FORGED);
        Instant expires = Instant.ofEpochSecond(expiry);
        if (!now.isBefore(expires)) return new Verification(null, Problem.EXPIRED);
        return new Verification(new LinkClaims(member, expires, parts[2]), null);
    }

    private byte[] mac(String body) {
        return hmac(body, purpose);
    }

    private byte[] hmac(String body, String label) {
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
