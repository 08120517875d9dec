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
import org.appban.remote.Secret;
import org.appban.secrets.SecretUnavailableException;
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
    void anExpiredTokenIsExpiredFromItsExpiryOn() {
        String token = links.sign("m07", NOW, "n1");
        assertEquals(SignedLinks.Problem.EXPIRED, links.verify(token, NOW).problem());
        assertTrue(links.verify(token, NOW.minusSeconds(1)).valid());
    }

    @Test
    void aTokenForAnotherMemberIsForged() {
        String token = links.sign("m07", NOW.plusSeconds(60), "n1");
        String other = Base64.getUrlEncoder().withoutPadding().encodeToString("m08".getBytes(StandardCharsets.UTF_8));
        String tampered = other + token.substring(token.indexOf('.'));
        assertEquals(SignedLinks.Problem.FORGED, links.verify(tampered, NOW).problem());
    }

    @Test
    void aLongerLifeOrAnotherNonceIsForged() {
        String token = links.sign("m07", NOW.plusSeconds(60), "n1");
        String[] p = token.split("\\.");
        assertEquals(SignedLinks.Problem.FORGED, links.verify(p[0] + "." + (Long.parseLong(p[1]) + 86400) + "." + p[2] + "." + p[3], NOW).problem());
        assertEquals(SignedLinks.Problem.FORGED, links.verify(p[0] + "." + p[1] + ".n2." + p[3], NOW).problem());
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
        assertEquals(SignedLinks.Problem.FORGED, new SignedLinks(KEY, "appban/exemption/v1").verify(token, NOW).problem(),
                "a signature made for attestation never verifies as an exemption link, even with the same key");
    }

    @Test
    void garbageIsMalformed() {
        for (String t : new String[] {null, "", "a.b.c", "a.b.c.d.e", "a.notanumber.c.d", "a.1.c.d!", "x".repeat(700)}) {
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
    }
}
