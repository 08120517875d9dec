package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names on the attestation pages (the member's, the organisation's, the app's, the contact) are text, never markup. */
class AttestationPageTest {
    private static final String EVIL = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
    private static final String ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
    private final AttestationPage page = new AttestationPage(EVIL, EVIL, EVIL, ZoneId.of("Pacific/Auckland"));
    private final Instant at = Instant.parse("2023-03-20T01:02:03Z");

    @Test
    void everyPageEscapesEveryName() {
        for (String html : List.of(page.form(EVIL, EVIL, at), page.recorded(at), page.used(at), page.expired(), page.invalid(),
                page.confirmMissing(EVIL), page.methodNotAllowed())) {
            assertFalse(html.contains("<script>"), html);
            assertFalse(html.contains("<img"), html);
            assertTrue(html.contains(ESCAPED), html);
        }
    }

    @Test
    void theFormCarriesTheTokenEscapedInItsHiddenField() {
        String html = page.form("Ana", EVIL, at);
        assertTrue(html.contains("<input type=\"hidden\" name=\"t\" value=\"" + ESCAPED + "\">"), html);
        assertTrue(html.contains("until Monday 20 March 2023, 2:02 PM."), "the expiry in the campaign's zone: " + html);
    }

    @Test
    void theStyleIsTheOneTheContentSecurityPolicyAllows() {
        String html = new AttestationPage("Org", "App", "Desk", ZoneId.of("UTC")).invalid();
        String csp = AttestationPage.headers().get("Content-Security-Policy");
        assertTrue(csp.contains("style-src 'sha256-"), csp);
        assertTrue(html.contains("<style>body{font-family:system-ui"), "the stylesheet is not escaped: " + html);
    }
}
