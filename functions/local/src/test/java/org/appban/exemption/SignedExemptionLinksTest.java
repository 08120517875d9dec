package org.appban.exemption;

import static org.appban.exemption.ExemptionFixtures.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.appban.notice.NoticeLinks;
import org.appban.signing.SignedTokens;
import org.appban.signing.Signer;
import org.junit.jupiter.api.Test;

class SignedExemptionLinksTest {
    private final SignedTokens tokens = new SignedTokens(Signer.withKey("a-test-key-that-is-long-enough-0123456789"));
    private final SignedExemptionLinks links = new SignedExemptionLinks(URI.create("https://appban.example.govt.nz/exemption"),
            tokens, Duration.ofDays(30));
    private final Instant now = Instant.parse("2023-03-16T20:00:00Z");

    private String token(String url) {
        return URLDecoder.decode(url.substring(url.indexOf("?token=") + 7), StandardCharsets.UTF_8);
    }

    @Test
    void a_link_names_its_member_and_works_for_the_policys_link_lifetime() {
        String url = links.requestUrl(member("m-001"), now).orElseThrow();
        assertTrue(url.startsWith("https://appban.example.govt.nz/exemption?token=v1."), url);
        new NoticeLinks(url, null); // the notices accept it (absolute https)
        SignedTokens.Claims claims = links.verify(token(url), now.plus(Duration.ofDays(29)));
        assertEquals("m-001", claims.subject());
        assertEquals(SignedTokens.Reason.EXPIRED, assertThrows(SignedTokens.InvalidTokenException.class,
                () -> links.verify(token(url), now.plus(Duration.ofDays(30)))).reason());
    }

    @Test
    void an_attestation_token_is_no_exemption_link() {
        String attestation = tokens.issue("attestation", "m-001", now.plus(Duration.ofDays(1)));
        assertEquals(SignedTokens.Reason.WRONG_PURPOSE, assertThrows(SignedTokens.InvalidTokenException.class,
                () -> links.verify(attestation, now)).reason());
    }

    @Test
    void the_base_must_be_https_without_a_query() {
        assertThrows(IllegalArgumentException.class, () -> new SignedExemptionLinks(URI.create("http://x.example/e"), tokens, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> new SignedExemptionLinks(URI.create("https://x.example/e?a=b"), tokens, Duration.ofDays(1)));
    }

    @Test
    void a_notice_composed_again_carries_the_same_link_and_each_later_notice_its_own_request() {
        String a = token(links.requestUrl(member("m-001"), now).orElseThrow());
        String again = token(links.requestUrl(member("m-001"), now).orElseThrow());
        String later = token(links.requestUrl(member("m-001"), now.plusSeconds(86_400)).orElseThrow());
        assertEquals(a, again, "a retried notice is byte for byte the same");
        assertNotEquals(links.verify(a, now).nonce(), links.verify(later, now).nonce(), "another notice, another request");
        assertNotEquals(links.verify(a, now).nonce(), links.verify(token(links.requestUrl(member("m-002"), now).orElseThrow()), now).nonce());
    }
}
