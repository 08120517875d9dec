package org.appban.access;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import org.appban.remote.Secret;
import org.appban.secrets.SecretUnavailableException;
import org.appban.signing.Signer;

/**
 * Signs and verifies the member's attestation links. A token is
 * {@code <member, base64url>.<expiry, epoch seconds>.<nonce>.<HMAC-SHA256, base64url>}, the MAC taken over a
 * purpose label and the first three parts with the key from Secrets Manager ({@code SIGNING_SECRET_ARN}). The
 * purpose label keeps these tokens apart from any other link signed with the same key (the admin function may sign
 * exemption links with a similar signer of its own): a signature made for one purpose never verifies for another.
 *
 * <p>The keys are the {@link Signer}'s (the secret is the key itself, or JSON {@code {"key": "...", "previousKey": "..."}}
 * as template.yaml's {@code SigningSecret} generates): new tokens are signed with {@code key}; tokens signed with
 * {@code previousKey} still verify while the key is rotated, so links already mailed keep working. The exemption links
 * ({@link org.appban.signing.SignedTokens}) use the same signer; the purpose label keeps the two kinds of link apart.
 *
 * <p>Verification compares MACs in constant time and checks the signature before the expiry, so a forged token is
 * reported as forged even when its claimed expiry has passed. Single use is not this class's business: the
 * attestation records each nonce once (see {@link AttestationService}).
 */
public final class SignedLinks {
    public static final String ATTESTATION = "appban/attestation/v1";
    /** Longer tokens are not parsed at all. */
    static final int MAX_TOKEN_CHARS = 600;
    private static final Pattern PART = Pattern.compile("^[A-Za-z0-9_-]+$");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Signer signer;
    private final String purpose;

    /** @throws SecretUnavailableException when the secret is not a usable key (too short, broken JSON) */
    public SignedLinks(Secret secret, String purpose) {
        this(Signer.of(secret), purpose);
    }

    public SignedLinks(Signer signer, String purpose) {
        this.signer = Objects.requireNonNull(signer, "signer");
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
        return body + "." + B64.encodeToString(signer.sign(labelled(purpose, body)));
    }

    /** A nonce derived from the given parts: unpredictable without the key, the same for the same parts. */
    public String nonce(String... parts) {
        byte[] digest = signer.sign(labelled("nonce", String.join("\u0000", parts)));
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
        // The signer tries every key, each compared in constant time: timing says nothing about how close a forgery came.
        if (!signer.verify(labelled(purpose, body), given)) return new Verification(null, Problem.FORGED);
        Instant expires = Instant.ofEpochSecond(expiry);
        if (!now.isBefore(expires)) return new Verification(null, Problem.EXPIRED);
        return new Verification(new LinkClaims(member, expires, parts[2]), null);
    }

    /** What is signed: the label, a line break, then the body, so a MAC made under one label never fits another. */
    private static byte[] labelled(String label, String body) {
        return (label + "\n" + body).getBytes(StandardCharsets.UTF_8);
    }
}
