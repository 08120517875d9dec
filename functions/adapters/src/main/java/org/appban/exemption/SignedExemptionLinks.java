package org.appban.exemption;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.appban.domain.Member;
import org.appban.signing.SignedTokens;

/**
 * Exemption links signed with the campaign's signing key: {@code <base>?token=<token>}, where the token names the
 * member, the purpose {@value #PURPOSE} and an expiry. Whoever serves the link verifies it with {@link #verify} and
 * then calls {@link ExemptionService#requestAsMember} with the member it names and the token's nonce as the request
 * key (so submitting the same form twice records one request).
 */
public final class SignedExemptionLinks implements ExemptionLinks {
    public static final String PURPOSE = "exemption-request";

    private final URI base;
    private final SignedTokens tokens;
    private final Duration validity;

    /**
     * @param base     the https endpoint that serves the request form
     * @param validity how long a link works after the notice that carries it
     */
    public SignedExemptionLinks(URI base, SignedTokens tokens, Duration validity) {
        if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null || base.getRawQuery() != null) {
            throw new IllegalArgumentException("exemption link base must be an absolute https URL without a query: " + base);
        }
        if (validity.isNegative() || validity.isZero()) throw new IllegalArgumentException("link validity must be positive");
        this.base = base;
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.validity = validity;
    }

    @Override
    public Optional<String> requestUrl(Member member, Instant now) {
        // Derived, not random: the same member and instant give the same link, so a notice composed again on a
        // retry is byte for byte the one first composed.
        String token = tokens.issue(PURPOSE, member.id(), now.plus(validity), tokens.nonce(PURPOSE, member.id(), now.toString()));
        return Optional.of(base + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /**
     * The member a link is for, and its nonce.
     *
     * @throws SignedTokens.InvalidTokenException when the token is forged, altered, for another purpose or expired
     */
    public SignedTokens.Claims verify(String token, Instant now) {
        return verify(tokens, token, now);
    }

    /** The same check where only the key is at hand (the page behind the link needs no base URL). */
    public static SignedTokens.Claims verify(SignedTokens tokens, String token, Instant now) {
        return tokens.verify(token, PURPOSE, now);
    }
}
