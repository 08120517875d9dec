package org.appban.access;

import org.appban.lambda.access.AttestationHandler;
import org.appban.testing.TestClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.notice.Attestations;
import org.appban.notice.NoticeLinks;
import org.appban.policy.NoticeStage;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttestationHandlerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2023-04-03T21:00:00Z");
    final TestClock clock = new TestClock(NOW);
    final InMemoryLedger ledger = new InMemoryLedger();
    final InMemoryMemberStore members = new InMemoryMemberStore();
    final SignedLinks links = new SignedLinks(SignedLinksTest.KEY, SignedLinks.ATTESTATION);
    final List<String> announced = new ArrayList<>();
    AttestationHandler handler;
    AttestationLinks issuer;

    @BeforeEach
    void setUp() {
        members.save(Member.active("m25", "Seán O'Brien <b>&", "sean.obrien@parliament.govt.nz", Role.MEMBER));
        members.save(Member.active("m08", "Hemi Walker", "hemi.walker@parliament.govt.nz", Role.MEMBER));
        handler = new AttestationHandler(new AttestationService(links, members, ledger, (m, at) -> announced.add(m + "@" + at),
                AccessFixtures.POLICY, clock));
        issuer = new AttestationLinks(links, URI.create("https://abc123.lambda-url.ap-southeast-2.on.aws/"), 30);
    }

    String tokenFor(String member) {
        NoticeStage stage = AccessFixtures.POLICY.notices().stage("overdue").orElseThrow();
        NoticeLinks l = issuer.linksFor(members.find(member).orElseThrow(), stage, clock.instant());
        assertEquals(null, l.exemptionUrl());
        return URI.create(l.attestationUrl()).getRawQuery().substring(2);
    }

    static ObjectNode urlEvent(String method, String rawQuery, String body, boolean base64, String contentType) {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0").put("rawPath", "/").put("rawQueryString", rawQuery);
        e.putObject("headers").put("content-type", contentType == null ? "text/plain" : contentType);
        e.putObject("requestContext").putObject("http").put("method", method).put("path", "/");
        if (body != null) e.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body).put("isBase64Encoded", base64);
        return e;
    }

    JsonNode call(JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    JsonNode get(String token) throws Exception {
        return call(urlEvent("GET", "t=" + token, null, false, null));
    }

    JsonNode post(String token, boolean confirm) throws Exception {
        String body = "t=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + (confirm ? "&confirm=yes" : "");
        return call(urlEvent("POST", "t=" + token, body, true, "application/x-www-form-urlencoded"));
    }

    @Test
    void openingTheLinkShowsTheConfirmationEscapedAndRecordsNothing() throws Exception {
        JsonNode r = get(tokenFor("m25"));
        assertEquals(200, r.path("statusCode").asInt());
        String html = r.path("body").asText();
        assertTrue(html.contains("Seán O&#39;Brien &lt;b&gt;&amp;"), html);
        assertFalse(html.contains("<b>&"), "the member's name is escaped");
        assertTrue(html.contains("<form method=\"post\">"));
        assertTrue(html.contains("name=\"t\" value=\"" + tokenFor("m25") + "\""), "the POST carries the signed token");
        assertTrue(ledger.chains().isEmpty(), "a GET changes nothing");
        assertTrue(announced.isEmpty());
    }

    @Test
    void thePagesCarryTheSecurityHeadersAndLoadNothingFromElsewhere() throws Exception {
        JsonNode r = get(tokenFor("m25"));
        JsonNode h = r.path("headers");
        assertTrue(h.path("Content-Security-Policy").asText().startsWith("default-src 'none'; style-src 'sha256-"), h.toString());
        assertTrue(h.path("Content-Security-Policy").asText().contains("form-action 'self'; frame-ancestors 'none'"));
        assertEquals("no-store", h.path("Cache-Control").asText());
        assertEquals("nosniff", h.path("X-Content-Type-Options").asText());
        assertEquals("no-referrer", h.path("Referrer-Policy").asText());
        assertEquals("DENY", h.path("X-Frame-Options").asText());
        String html = r.path("body").asText();
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("src="));
        assertFalse(html.contains("http://") || html.contains("https://"), "no external resource or link");
    }

    @Test
    void confirmingRecordsTheAttestationExactlyAsTheNoticesReadIt() throws Exception {
        String token = tokenFor("m25");
        clock.advance(Duration.ofHours(2));
        JsonNode r = post(token, true);
        assertEquals(200, r.path("statusCode").asInt());
        assertTrue(r.path("body").asText().contains("Your confirmation is recorded"));
        assertEquals(NOW.plus(Duration.ofHours(2)), Attestations.fromLedger(ledger).privateDevicesCleanSince("m25").orElseThrow());
        var entry = ledger.chain("member#m25").get(0).record();
        assertEquals(Attestations.ACTION, entry.action());
        assertEquals("ok", entry.outcome());
        assertFalse(entry.dryRun());
        assertEquals(List.of("m25@" + NOW.plus(Duration.ofHours(2))), announced);
    }

    @Test
    void aReusedLinkGetsAClearPageAndRecordsNothingMore() throws Exception {
        String token = tokenFor("m25");
        post(token, true);
        JsonNode again = post(token, true);
        assertEquals(409, again.path("statusCode").asInt());
        assertTrue(again.path("body").asText().contains("This link was already used"));
        JsonNode opened = get(token);
        assertTrue(opened.path("body").asText().contains("already used"));
        assertEquals(1, ledger.chain("member#m25").size());
        assertEquals(1, announced.size());
    }

    @Test
    void anExpiredLinkIsGone() throws Exception {
        String token = tokenFor("m25");
        clock.advance(Duration.ofDays(30));
        assertEquals(410, get(token).path("statusCode").asInt());
        JsonNode r = post(token, true);
        assertEquals(410, r.path("statusCode").asInt());
        assertTrue(r.path("body").asText().contains("expired"));
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void aForgedLinkIsRefused() throws Exception {
        String token = tokenFor("m25");
        String forged = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
        JsonNode r = post(forged, true);
        assertEquals(400, r.path("statusCode").asInt());
        assertTrue(r.path("body").asText().contains("This link is not valid"));
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void aLinkCannotBeTurnedIntoAnotherMembersAttestation() throws Exception {
        String token = tokenFor("m25");
        String m08 = Base64.getUrlEncoder().withoutPadding().encodeToString("m08".getBytes(StandardCharsets.UTF_8));
        String rebound = m08 + token.substring(token.indexOf('.'));
        assertEquals(400, post(rebound, true).path("statusCode").asInt());
        String body = "t=" + token + "&confirm=yes&member=m08";
        assertEquals(200, call(urlEvent("POST", "", body, false, "application/x-www-form-urlencoded")).path("statusCode").asInt());
        assertTrue(ledger.chain("member#m08").isEmpty(), "the token decides the member, nothing else in the request");
        assertEquals(1, ledger.chain("member#m25").size());
    }

    @Test
    void aLinkForSomebodyNotOnTheRosterIsNotValid() throws Exception {
        String token = links.sign("ghost", NOW.plusSeconds(3600), "n1");
        assertEquals(400, get(token).path("statusCode").asInt());
        assertEquals(400, post(token, true).path("statusCode").asInt());
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void withoutTheTickNothingIsRecorded() throws Exception {
        JsonNode r = post(tokenFor("m25"), false);
        assertEquals(400, r.path("statusCode").asInt());
        assertTrue(r.path("body").asText().contains("tick the box"));
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void otherMethodsAndBodiesAreRefused() throws Exception {
        JsonNode put = call(urlEvent("PUT", "t=" + tokenFor("m25"), "x", false, null));
        assertEquals(405, put.path("statusCode").asInt());
        assertEquals("GET, POST", put.path("headers").path("Allow").asText());
        JsonNode json = call(urlEvent("POST", "", "{\"t\":\"" + tokenFor("m25") + "\",\"confirm\":\"yes\"}", false, "application/json"));
        assertEquals(415, json.path("statusCode").asInt(), "a form post only: a cross-site JSON or text/plain post does nothing");
        assertTrue(ledger.chains().isEmpty());
    }

    @Test
    void theNoticesCarryTheExemptionLinkBesideTheAttestationLink() {
        NoticeStage stage = AccessFixtures.POLICY.notices().stage("overdue").orElseThrow();
        NoticeLinks l = issuer.withExemptionLinks((m, now) -> java.util.Optional.of("https://exempt.example.org/?t=x"))
                .linksFor(members.find("m08").orElseThrow(), stage, NOW);
        assertEquals("https://exempt.example.org/?t=x", l.exemptionUrl());
        assertTrue(l.attestationUrl().startsWith("https://abc123.lambda-url.ap-southeast-2.on.aws/?t="));
    }

    @Test
    void theLinksInTheNoticesAreHttpsAndExpireWithThePolicysLinkDays() {
        NoticeStage stage = AccessFixtures.POLICY.notices().stage("announcement").orElseThrow();
        String url = issuer.linksFor(members.find("m08").orElseThrow(), stage, NOW).attestationUrl();
        assertTrue(url.startsWith("https://abc123.lambda-url.ap-southeast-2.on.aws/?t="), url);
        var claims = links.verify(URI.create(url).getRawQuery().substring(2), NOW).claims();
        assertEquals("m08", claims.member());
        assertEquals(NOW.plus(Duration.ofDays(30)), claims.expires());
        assertEquals(url, issuer.linksFor(members.find("m08").orElseThrow(), stage, NOW).attestationUrl(), "a re-rendered notice has the same link");
    }
}
