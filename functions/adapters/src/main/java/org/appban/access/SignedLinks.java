package org.appban.access;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import org.appban.remote.Secret;
import org.appban.secrets.SecretUnavailableException;
import org.appban.signing.SignedTokens;
import org.appban.signing.Signer;

/**
 * Signs and verifies the member's attestation links, in the one signed-link format every link of the campaign uses
 * ({@link SignedTokens}: {@code v1.<payload>.<HMAC-SHA256>}, the purpose inside the signed payload), with the one
 * {@link Signer} and its key from Secrets Manager ({@code SIGNING_SECRET_ARN}). The purpose keeps these tokens apart
 * from the exemption links signed with the same key: a token issued for one purpose never verifies for another.
 *
 * <p>The keys are the {@link Signer}'s (the secret is the key itself, or JSON {@code {"key": "...", "previousKey": "..."}}
 * as template.yaml's {@code SigningSecret} generates): new tokens are signed with {@code key}; tokens signed with
 * {@code previousKey} still verify while the key is rotated, so links already mailed keep working.
 *
 * <p><b>Links in flight in the old format.</b> Attestation links used to have a format of their own,
 * {@code <member, base64url>.<expiry, epoch seconds>.<nonce>.<HMAC over "appban/attestation/v1\n" + the first three
 * parts>}, and notices already mailed carry such links. They are still accepted (same key, same checks, same answers)
 * so that no member's link stops working with the deploy; they are never issued any more. As no link lives longer than
 * the policy's {@code attestationLinkDays} (at most 90, {@code PolicyLoader.Bounds}), every old-format link has expired
 * 90 days after the deploy, and {@link #verifyOldFormat} can then be deleted without anyone noticing.
 *
 * <p>Verification compares MACs in constant time and checks the signature before the expiry, so a forged token is
 * reported as forged even when its claimed expiry has passed. Single use is not this class's business: the
 * attestation records each nonce once (see {@link AttestationService}).
 */
public final class SignedLinks implements LinkVerifier {
    /** The purpose of attestation links (what {@link SignedTokens} signs into the payload). */
    public static final String ATTESTATION = "attestation";
    /** Old-format tokens longer than this are not parsed at all. */
    static final int MAX_OLD_TOKEN_CHARS = 600;
    private static final Pattern PART = Pattern.compile("^[A-Za-z0-9_-]+$");
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Signer signer;
    private final SignedTokens tokens;
    private final String purpose;

    /** @throws SecretUnavailableException when the secret is not a usable key (too short, broken JSON) */
    public SignedLinks(Secret secret, String purpose) {
        this(Signer.of(secret), purpose);
    }

    public SignedLinks(Signer signer, String purpose) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.tokens = new SignedTokens(signer);
        this.purpose = Objects.requireNonNull(purpose, "purpose");
    }

    public String sign(String member, Instant expires, String nonce) {
        if (!PART.matcher(nonce).matches()) throw new IllegalArgumentException("a nonce is base64url characters only");
        return tokens.issue(purpose, member, expires, nonce);
    }

    /** A nonce derived from the given parts: unpredictable without the key, the same for the same parts. */
    public String nonce(String... parts) {
        return tokens.nonce(parts);
    }

    @Override
    public Verification verify(String token, Instant now) {
        if (token != null && !token.startsWith(SignedTokens.VERSION + ".")) return verifyOldFormat(token, now);
        try {
            SignedTokens.Claims c = tokens.verify(token, purpose, now);
            return new Verification(new LinkClaims(c.subject(), c.expires(), c.nonce()), null);
        } catch (SignedTokens.InvalidTokenException e) {
            return new Verification(null, switch (e.reason()) {
                case MALFORMED -> Problem.MALFORMED;
                // Another purpose is a forgery here: nobody was given this token for this use.
                case BAD_SIGNATURE, WRONG_PURPOSE -> Problem.FORGED;
                case EXPIRED -> Problem.EXPIRED;
            });
        }
    }

    /** A link mailed before the one format (see the class comment): verified as it was, until the last one expires. */
    private Verification verifyOldFormat(String token, Instant now) {
        if (token.isEmpty() || token.length() > MAX_OLD_TOKEN_CHARS) return new Verification(null, Problem.MALFORMED);
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
        // The old format signed "appban/<purpose>/v1", a line break, then the body.
        byte[] signed = ("appban/" + purpose + "/v1\n" + body).getBytes(StandardCharsets.UTF_8);
        // The signer tries every key, each compared in constant time: timing says nothing about how close a forgery came.
        if (!signer.verify(signed, given)) return new Verification(null, Problem.FORGED);
        Instant expires = Instant.ofEpochSecond(expiry);
        if (!now.isBefore(expires)) return new Verification(null, Problem.EXPIRED);
        return new Verification(new LinkClaims(member, expires, parts[2]), null);
    }
}
