package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.appban.exemption.SignedExemptionLinks;
import org.appban.remote.Secret;
import org.appban.secrets.SecretUnavailableException;
import org.appban.signing.SignedTokens;
import org.appban.signing.Signer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SignedLinksTest {
    static final Secret KEY = new Secret("test-signing-key-0123456789abcdef0123456789");
    static final Instant NOW = Instant.parse("2023-04-01T00:00:00Z");
    final SignedLinks links = new SignedLinks(KEY, SignedLinks.ATTESTATION);

    @Test
    void aSignedTokenVerifiesWithItsMemberExpiryAndNonce() {
        String token = links.sign("m07", NOW.plus(Duration.ofDays(30)), "abc_DEF-123");
        SignedLinks.Verification v = links.verify(token, NOW);
        assertTrue(v.valid());
        assertEquals(new SignedLinks.LinkClaims("m07", NOW.plus(Duration.ofDays(30)), "abc_DEF-123"), v.claims());
    }

    @Test
    void anAttestationLinkIsInTheOneFormatEveryLinkUses_signedByTheOneSigner() {
        String token = links.sign("m07", NOW.plusSeconds(60), "n1");
        assertTrue(token.startsWith("v1."), token);
        SignedTokens.Claims c = new SignedTokens(Signer.of(KEY)).verify(token, SignedLinks.ATTESTATION, NOW);
        assertEquals(new SignedTokens.Claims(SignedLinks.ATTESTATION, "m07", NOW.plusSeconds(60), "n1"), c);
    }

    @Test
    void anExpiredTokenIsExpiredFromItsExpiryOn() {
        String token = links.sign("m07", NOW, "n1");
        assertEquals(SignedLinks.Problem.EXPIRED, links.verify(token, NOW).problem());
        assertTrue(links.verify(token, NOW.minusSeconds(1)).valid());
    }

    @Test
    void anAlteredPayloadIsForged_anotherMemberALongerLifeAnotherNonce() {
        String token = links.sign("m07", NOW.plusSeconds(60), "n1");
        String[] p = token.split("\\.");
        for (String payload : new String[] {
                "{\"p\":\"attestation\",\"s\":\"m08\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + ",\"n\":\"n1\"}",
                "{\"p\":\"attestation\",\"s\":\"m07\",\"exp\":" + NOW.plusSeconds(86_460).getEpochSecond() + ",\"n\":\"n1\"}",
                "{\"p\":\"attestation\",\"s\":\"m07\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + ",\"n\":\"n2\"}"}) {
            String tampered = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
            assertEquals(SignedLinks.Problem.FORGED, links.verify(tampered, NOW).problem(), payload);
        }
    }

    @Test
    void aForgedTokenIsForgedEvenWhenItsClaimedExpiryHasPassed() {
        String token = links.sign("m07", NOW.minusSeconds(60), "n1");
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertEquals(SignedLinks.Problem.FORGED, links.verify(forged, NOW).problem());
    }

    @Test
    void anotherKeyOrAnotherPurposeDoesNotVerify() {
        String token = links.sign("m07", NOW.plusSeconds(60), "n1");
        assertEquals(SignedLinks.Problem.FORGED, new SignedLinks(new Secret("another-key-0123456789abcdef0123456789"), SignedLinks.ATTESTATION).verify(token, NOW).problem());
        assertEquals(SignedLinks.Problem.FORGED, new SignedLinks(KEY, SignedExemptionLinks.PURPOSE).verify(token, NOW).problem(),
                "a signature made for attestation never verifies as an exemption link, even with the same key");
        String exemptionToken = new SignedTokens(Signer.of(KEY)).issue(SignedExemptionLinks.PURPOSE, "m07", NOW.plusSeconds(60), "n1");
        assertEquals(SignedLinks.Problem.FORGED, links.verify(exemptionToken, NOW).problem(), "nor the other way round");
    }

    @Test
    void garbageIsMalformed() {
        for (String t : new String[] {null, "", "a.b.c", "a.b.c.d.e", "a.notanumber.c.d", "a.1.c.d!", "x".repeat(700), "v1.", "v1.a.b.c",
                "v1." + "x".repeat(3000)}) {
            assertEquals(SignedLinks.Problem.MALFORMED, links.verify(t, NOW).problem(), String.valueOf(t));
        }
    }

    @Test
    void aTokenSignedWithThePreviousKeyStillVerifiesWhileTheKeyIsRotated() {
        String oldKey = KEY.reveal();
        String token = links.sign("m07", NOW.plusSeconds(60), "n1");
        SignedLinks rotated = new SignedLinks(new Secret("{\"key\":\"new-key-0123456789abcdef0123456789abc\",\"previousKey\":\"" + oldKey + "\"}"),
                SignedLinks.ATTESTATION);
        assertTrue(rotated.verify(token, NOW).valid());
        String fresh = rotated.sign("m07", NOW.plusSeconds(60), "n2");
        assertEquals(SignedLinks.Problem.FORGED, links.verify(fresh, NOW).problem(), "new tokens are signed with the new key");
        assertTrue(new SignedLinks(new Secret("{\"key\":\"" + oldKey + "\"}"), SignedLinks.ATTESTATION).verify(token, NOW).valid(),
                "the JSON form the template generates");
    }

    @Test
    void aShortKeyIsRefused() {
        assertThrows(SecretUnavailableException.class, () -> new SignedLinks(new Secret("short"), SignedLinks.ATTESTATION));
        assertThrows(SecretUnavailableException.class, () -> new SignedLinks(new Secret("{\"key\":\"short\"}"), SignedLinks.ATTESTATION));
        SecretUnavailableException e = assertThrows(SecretUnavailableException.class,
                () -> new SignedLinks(new Secret("{not json hunter2-0123456789abcdef0123456789"), SignedLinks.ATTESTATION));
        assertFalse(e.getMessage().contains("hunter2"), "the secret's value never shows in a message");
    }

    @Test
    void noncesAreStableForTheSamePartsAndDifferOtherwise() {
        assertEquals(links.nonce("m07", "reminder-7d", "t"), links.nonce("m07", "reminder-7d", "t"));
        assertNotEquals(links.nonce("m07", "reminder-7d", "t"), links.nonce("m07", "reminder-2d", "t"));
        assertEquals(new SignedTokens(Signer.of(KEY)).nonce("m07", "reminder-7d", "t"), links.nonce("m07", "reminder-7d", "t"),
                "one signer, one nonce derivation for every link");
    }

    /**
     * Links mailed before the one format still work until they expire (at most attestationLinkDays, 90 days): same
     * answers as before, never issued again. These tokens are made here as the old code made them.
     */
    @Nested
    class LinksMailedInTheOldFormat {
        private String oldToken(String key, String member, Instant expires, String nonce) {
            String body = Base64.getUrlEncoder().withoutPadding().encodeToString(member.getBytes(StandardCharsets.UTF_8))
                    + "." + expires.getEpochSecond() + "." + nonce;
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                byte[] sig = mac.doFinal(("appban/attestation/v1\n" + body).getBytes(StandardCharsets.UTF_8));
                return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        @Test
        void stillVerifyWithTheirMemberExpiryAndNonce() {
            String token = oldToken(KEY.reveal(), "m07", NOW.plus(Duration.ofDays(30)), "abc_DEF-123");
            assertEquals(new SignedLinks.LinkClaims("m07", NOW.plus(Duration.ofDays(30)), "abc_DEF-123"), links.verify(token, NOW).claims());
        }

        @Test
        void expireAsTheyDid() {
            assertEquals(SignedLinks.Problem.EXPIRED, links.verify(oldToken(KEY.reveal(), "m07", NOW, "n1"), NOW).problem());
        }

        @Test
        void areForgedWhenAlteredOrSignedWithAnotherKeyOrPurpose() {
            String token = oldToken(KEY.reveal(), "m07", NOW.plusSeconds(60), "n1");
            String[] p = token.split("\\.");
            String other = Base64.getUrlEncoder().withoutPadding().encodeToString("m08".getBytes(StandardCharsets.UTF_8));
            assertEquals(SignedLinks.Problem.FORGED, links.verify(other + "." + p[1] + "." + p[2] + "." + p[3], NOW).problem());
            assertEquals(SignedLinks.Problem.FORGED, links.verify(p[0] + "." + (Long.parseLong(p[1]) + 86400) + "." + p[2] + "." + p[3], NOW).problem());
            assertEquals(SignedLinks.Problem.FORGED, links.verify(p[0] + "." + p[1] + ".n2." + p[3], NOW).problem());
            assertEquals(SignedLinks.Problem.FORGED, links.verify(oldToken("another-key-0123456789abcdef0123456789", "m07", NOW.plusSeconds(60), "n1"), NOW).problem());
            assertEquals(SignedLinks.Problem.FORGED, new SignedLinks(KEY, SignedExemptionLinks.PURPOSE).verify(token, NOW).problem());
        }

        @Test
        void verifyWithThePreviousKeyDuringARotation() {
            String token = oldToken(KEY.reveal(), "m07", NOW.plusSeconds(60), "n1");
            SignedLinks rotated = new SignedLinks(new Secret("{\"key\":\"new-key-0123456789abcdef0123456789abc\",\"previousKey\":\"" + KEY.reveal() + "\"}"),
                    SignedLinks.ATTESTATION);
            assertTrue(rotated.verify(token, NOW).valid());
        }
    }
}
