package org.appban.exemption;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.appban.domain.ComplianceState;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.input.InputProblem;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/** What a member, a device or a request brings to the exemption pages is text on them, never markup. */
class ExemptionLinkPageTest {
    private static final String EVIL = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";
    private static final String ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;";
    private final ExemptionLinkPage page = new ExemptionLinkPage(new PolicyLoader().bundled(PolicyLoader.BUNDLED));
    private final Member member = Member.active("m1", EVIL, "m1@example.org", Role.MEMBER);

    private static void assertEscaped(String html) {
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains(ESCAPED), html);
    }

    @Test
    void theFormEscapesTheMembersNameTheirDevicesTheirReasonTheProblemsAndTheToken() {
        var device = ExemptionFixtures.personal(EVIL, "m1", ComplianceState.COMPLIANT);
        String html = page.form(member, List.of(device), EVIL, List.of(new InputProblem("reason", EVIL)), EVIL);
        assertEscaped(html);
        assertTrue(html.contains("<p>" + ESCAPED + ", "), "the name");
        assertTrue(html.contains("value=\"" + ESCAPED + "\""), "the device id and the token, in attributes");
        assertTrue(html.contains("<li>reason: " + ESCAPED + "</li>") || html.contains(ESCAPED + "</li>"), "the problem");
        assertTrue(html.contains("required>" + ESCAPED + "</textarea>"), "the reason as typed");
    }

    @Test
    void theConfirmationEscapesTheNameAndTheDevice() {
        var view = new ExemptionView(EVIL, "m1", "device", EVIL, "requested", "r", "m1", Instant.EPOCH, null, null, null, null, null);
        String html = page.recorded(member, List.of(new ExemptionOutcome("requested", view, List.of())));
        assertEscaped(html);
        assertTrue(html.contains("<li>Device " + ESCAPED + " <code>" + ESCAPED + "</code></li>"), html);
    }

    @Test
    void aRefusalEscapesItsReason() {
        assertEscaped(page.refused(EVIL));
    }

    @Test
    void aFormWithoutProblemsHasNoProblemList_andRetiredDevicesAreNotOffered() {
        var gone = ExemptionFixtures.personal("gone-1", "m1", ComplianceState.COMPLIANT).withRetired(true);
        var kept = ExemptionFixtures.personal("kept-1", "m1", ComplianceState.COMPLIANT);
        String html = page.form(member, List.of(gone, kept), "t", List.of(), null);
        assertFalse(html.contains("class=\"problem\""), html);
        assertFalse(html.contains("gone-1"), html);
        assertTrue(html.contains("value=\"kept-1\""), html);
        assertTrue(html.contains("required></textarea>"), "no reason yet: empty");
    }
}
