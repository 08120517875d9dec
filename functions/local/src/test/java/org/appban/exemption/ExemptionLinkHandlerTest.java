package org.appban.exemption;

import org.appban.lambda.exemption.ExemptionLinkHandler;
import org.appban.testing.TestClock;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.corporate;
import static org.appban.exemption.ExemptionFixtures.member;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.appban.exemption.ExemptionFixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.json.Json;
import org.appban.signing.SignedTokens;
import org.appban.signing.Signer;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page behind a member's exemption link: the form, the request it records, and what it refuses. */
class ExemptionLinkHandlerTest {
    /** The key the example events in events/exemption-link/ are signed with. Never a deployed key. */
    static final String EXAMPLE_KEY = "example-signing-key-for-events-only-0123456789";

    private final TestClock clock = new TestClock(nz("2023-03-20T10:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final SignedTokens tokens = new SignedTokens(Signer.withKey(EXAMPLE_KEY));
    private final ExemptionService service = new ExemptionService(POLICY, members, devices, exemptions, ledger,
            new ExemptionFixtures.RecordedNotices(), clock);
    private final ExemptionLinkHandler handler = new ExemptionLinkHandler(POLICY, tokens, service, members, devices, clock);

    @BeforeEach
    void roster() {
        members.save(member("m-001"));
        devices.save(corporate("d-101", "m-001", AppPresence.PRESENT));
        devices.save(personal("d-102", "m-001", ComplianceState.NONCOMPLIANT));
    }

    private String token() {
        return tokens.issue(SignedExemptionLinks.PURPOSE, "m-001", nz("2023-04-30T00:00"), "nonce-1");
    }

    private JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    private JsonNode get(String token) throws Exception {
        return invoke(Json.object().<com.fasterxml.jackson.databind.node.ObjectNode>set("requestContext",
                Json.object().set("http", Json.object().put("method", "GET")))
                .set("queryStringParameters", Json.object().put("token", token)).toString());
    }

    private JsonNode post(String form, boolean base64) throws Exception {
        var event = Json.object();
        event.putObject("requestContext").putObject("http").put("method", "POST");
        event.put("body", base64 ? Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8)) : form);
        event.put("isBase64Encoded", base64);
        return invoke(event.toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void the_link_shows_the_form_with_the_members_devices_and_safe_headers() throws Exception {
        JsonNode r = get(token());
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
        String html = r.path("body").asText();
        assertTrue(html.contains("Member m-001"));
        assertTrue(html.contains("value=\"d-101\"") && html.contains("value=\"d-102\""));
        assertTrue(html.contains("name=\"token\" value=\"" + token() + "\""));
        assertFalse(html.contains("<script"));
        assertEquals("no-store", r.path("headers").path("cache-control").asText());
        assertTrue(r.path("headers").path("content-security-policy").asText().startsWith("default-src 'none'"));
    }

    @Test
    void sending_the_form_records_one_request_by_the_member_however_often_it_is_sent() throws Exception {
        String form = "token=" + enc(token()) + "&device=d-102&reason=" + enc("I chair the inquiry & read submissions");
        JsonNode first = post(form, true);
        assertEquals(200, first.path("statusCode").asInt(), first.toString());
        assertTrue(first.path("body").asText().contains("Your request is recorded"));
        JsonNode again = post(form, false);
        assertTrue(again.path("body").asText().contains("(already recorded)"));
        List<Exemption> all = exemptions.all();
        assertEquals(1, all.size());
        Exemption e = all.get(0);
        assertEquals(ExemptionStatus.REQUESTED, e.status());
        assertEquals("d-102", e.device());
        assertEquals("member:m-001", e.requestedBy());
        assertEquals("I chair the inquiry & read submissions", e.reason());
        assertEquals("exemption.requested", ledger.chain("member#m-001").get(0).record().action());
    }

    @Test
    void a_form_without_reason_or_with_someone_elses_device_comes_back_with_the_problems() throws Exception {
        JsonNode r = post("token=" + enc(token()) + "&device=d-999&reason=", false);
        assertEquals(400, r.path("statusCode").asInt());
        String html = r.path("body").asText();
        assertTrue(html.contains("reason: is required"), html);
        assertTrue(html.contains("devices[0]: &#39;d-999&#39; is not a device of member &#39;m-001&#39;"), html);
        assertTrue(exemptions.all().isEmpty());
    }

    @Test
    void forged_expired_and_misdirected_links_are_refused_and_record_nothing() throws Exception {
        String forged = token().replace("v1.", "v1.A");
        assertEquals(403, get(forged).path("statusCode").asInt());
        String attestation = tokens.issue("attestation", "m-001", nz("2023-04-30T00:00"));
        assertEquals(403, post("token=" + enc(attestation) + "&reason=x", false).path("statusCode").asInt());
        clock.set(nz("2023-04-30T00:00"));
        JsonNode expired = post("token=" + enc(token()) + "&reason=x", false);
        assertEquals(403, expired.path("statusCode").asInt());
        assertTrue(expired.path("body").asText().contains("This link has expired."));
        assertTrue(exemptions.all().isEmpty());
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void a_member_who_left_cannot_use_their_link() throws Exception {
        members.save(member("m-001").deactivated());
        assertEquals(403, get(token()).path("statusCode").asInt());
    }

    @Test
    void the_example_events_work_against_the_example_key() throws Exception {
        var dir = ProjectLayout.root().resolve("events").resolve("exemption-link");
        JsonNode form = invoke(Files.readString(dir.resolve("get-form.json")));
        assertEquals(200, form.path("statusCode").asInt(), form.toString());
        JsonNode sent = invoke(Files.readString(dir.resolve("post-request.json")));
        assertEquals(200, sent.path("statusCode").asInt(), sent.toString());
        assertEquals(1, exemptions.all().size());
    }
}
