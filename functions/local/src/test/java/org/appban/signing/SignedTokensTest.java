package org.appban.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.appban.remote.Secret;
import org.appban.secrets.SecretUnavailableException;
import org.junit.jupiter.api.Test;

class SignedTokensTest {
    private static final String KEY = "k".repeat(24) + "0123456789abcdef";
    private final Signer signer = Signer.withKey(KEY);
    private final SignedTokens tokens = new SignedTokens(signer);
    private final Instant now = Instant.parse("2023-03-20T00:00:00Z");
    private final Instant expires = Instant.parse("2023-04-19T00:00:00Z");

    @Test
    void a_token_verifies_for_its_purpose_until_it_expires() {
        String t = tokens.issue("exemption-request", "m-001", expires, "n1");
        SignedTokens.Claims c = tokens.verify(t, "exemption-request", now);
        assertEquals("m-001", c.subject());
        assertEquals(expires, c.expires());
        assertEquals("n1", c.nonce());
        assertTrue(t.matches("[A-Za-z0-9._-]+"), "URL-safe as it is");
        assertEquals(SignedTokens.Reason.EXPIRED, assertThrows(SignedTokens.InvalidTokenException.class,
                () -> tokens.verify(t, "exemption-request", expires)).reason());
    }

    @Test
    void a_token_for_one_purpose_is_refused_for_another() {
        String t = tokens.issue("exemption-request", "m-001", expires);
        assertEquals(SignedTokens.Reason.WRONG_PURPOSE, assertThrows(SignedTokens.InvalidTokenException.class,
                () -> tokens.verify(t, "attestation", now)).reason());
    }

    @Test
    void changing_the_member_in_the_payload_breaks_the_signature() {
        String t = tokens.issue("exemption-request", "m-001", expires, "n1");
        String[] parts = t.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("m-001", "m-002");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals(SignedTokens.Reason.BAD_SIGNATURE, assertThrows(SignedTokens.InvalidTokenException.class,
                () -> tokens.verify(forged, "exemption-request", now)).reason());
    }

    @Test
    void a_token_signed_with_another_key_is_refused_and_garbage_is_malformed() {
        String other = new SignedTokens(Signer.withKey("z".repeat(40))).issue("exemption-request", "m-001", expires);
        assertEquals(SignedTokens.Reason.BAD_SIGNATURE, assertThrows(SignedTokens.InvalidTokenException.class,
                () -> tokens.verify(other, "exemption-request", now)).reason());
        for (String junk : new String[] {"", "v1", "v1.a.b.c", "v2.aaa.bbb", "v1.!!!.bbb", "x".repeat(5000)}) {
            assertEquals(SignedTokens.Reason.MALFORMED, assertThrows(SignedTokens.InvalidTokenException.class,
                    () -> tokens.verify(junk, "exemption-request", now)).reason(), junk);
        }
    }

    @Test
    void links_signed_with_the_previous_key_still_verify_after_rotation() {
        String oldKey = "o".repeat(40);
        String issuedBefore = new SignedTokens(Signer.withKey(oldKey)).issue("attestation", "m-001", expires);
        Signer rotated = Signer.fromSecret(arn -> new Secret("{\"key\":\"" + KEY + "\",\"previousKey\":\"" + oldKey + "\"}"), "arn:secret");
        assertEquals("m-001", new SignedTokens(rotated).verify(issuedBefore, "attestation", now).subject());
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        assertTrue(signer.verify(data, rotated.sign(data)), "new signatures use the current key");
    }

    @Test
    void the_secret_is_read_once_and_a_short_or_malformed_one_is_refused_without_its_value() {
        int[] reads = {0};
        Signer lazy = Signer.fromSecret(arn -> {
            reads[0]++;
            return new Secret(KEY);
        }, "arn:s");
        assertEquals(0, reads[0], "nothing read before first use");
        lazy.sign(new byte[1]);
        lazy.sign(new byte[2]);
        assertEquals(1, reads[0]);

        SecretUnavailableException shortKey = assertThrows(SecretUnavailableException.class,
                () -> Signer.fromSecret(arn -> new Secret("hunter2"), "arn:short").sign(new byte[1]));
        assertFalse(shortKey.getMessage().contains("hunter2"));
        SecretUnavailableException badJson = assertThrows(SecretUnavailableException.class,
                () -> Signer.fromSecret(arn -> new Secret("{\"key\": hunter2hunter2hunter2hunter2hunter2}"), "arn:json").sign(new byte[1]));
        assertFalse(badJson.getMessage().contains("hunter2"));
        assertTrue(badJson.getMessage().contains("arn:json"));
    }
}
