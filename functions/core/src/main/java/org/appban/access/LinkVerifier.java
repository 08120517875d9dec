package org.appban.access;

import java.time.Instant;

/**
 * Reads a member's signed attestation link back: the port the attestation verifies through, so that it does not
 * depend on the signing key or the token format ({@code access.SignedLinks} in adapters signs and verifies them).
 */
public interface LinkVerifier {
    /** What a valid token says. */
    record LinkClaims(String member, Instant expires, String nonce) {
    }

    enum Problem {
        /** Not a token at all (wrong shape, too long, bad encoding). */
        MALFORMED,
        /** Well formed, but the signature does not match: altered, or signed with another key or for another purpose. */
        FORGED,
        /** Genuine, but past its expiry. */
        EXPIRED
    }

    /** Either the claims of a genuine, unexpired token, or what is wrong with it. */
    record Verification(LinkClaims claims, Problem problem) {
        public boolean valid() {
            return claims != null;
        }
    }

    Verification verify(String token, Instant now);
}
