package org.appban.access;

import static org.appban.access.AccessFixtures.AFTER_GRACE;
import static org.appban.access.AccessFixtures.GRACE_ENDS;
import static org.appban.access.AccessFixtures.privateEnrolled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.ports.Claims;
import org.appban.remote.Secret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MdmWebhookTest {
    static final Secret SECRET = new Secret("whsec-test-0123456789abcdef0123456789abcdef");
    static final String MAC = "02:AB:00:00:00:14";
    final WebhookSignature signature = new WebhookSignature(SECRET);
    AccessHarness h;
    MdmWebhook webhook;

    @BeforeEach
    void quarantinedDevice() {
        Device d18 = privateEnrolled("intune:d18", "m18", MAC, ComplianceState.NONCOMPLIANT, GRACE_ENDS.minusSeconds(60));
        h = new AccessHarness().with(new Device("intune:d18", "m18", d18.ownership(), d18.platform(), d18.model(), false, d18.mdm(), "d18",
                d18.macAddress(), d18.appPresence(), d18.compliance(), d18.lastSeen(), false));
        h.schedule();
        assertTrue(h.nac.policies.containsKey(MAC));
        webhook = new MdmWebhook(signature, h.claims, h.devices, h.ledger, h.service, h.clock);
    }

    static String body(String id, Instant at, String compliance) {
        return "{\"id\":\"" + id + "\",\"type\":\"device.compliance-changed\",\"occurredAt\":\"" + at
                + "\",\"device\":{\"mdm\":\"intune\",\"mdmId\":\"d18\"},\"compliance\":\"" + compliance + "\"}";
    }

    MdmWebhook.Answer send(String body, Instant signedAt) {
        return webhook.receive(signature.sign(body, signedAt), body, "req-1");
    }

    @Test
    void aSignedComplianceReportReleasesTheDeviceAtOnce() {
        String b = body("evt-1", AFTER_GRACE.plusSeconds(30), "compliant");
        h.clock.advance(Duration.ofMinutes(1));
        MdmWebhook.Answer a = send(b, h.clock.instant());
        assertEquals(200, a.status(), a.body().toString());
        assertEquals("applied", a.body().get("status"));
        assertFalse(h.nac.policies.containsKey(MAC));
        assertEquals(ComplianceState.COMPLIANT, h.devices.find("intune:d18").orElseThrow().compliance());
        assertEquals(1, h.entries("m18", "device.compliance-reported").size());
        assertEquals(1, h.entries("m18", "nac.released").size());
    }

    @Test
    void aReplayOfTheSameDeliveryIsRefusedEvenWithAFreshSignature() {
        String b = body("evt-2", AFTER_GRACE.plusSeconds(30), "compliant");
        assertEquals(200, send(b, h.clock.instant()).status());
        h.clock.advance(Duration.ofMinutes(1));
        MdmWebhook.Answer replay = send(b, h.clock.instant());
        assertEquals(409, replay.status());
        assertTrue(replay.body().get("reason").toString().contains("replay refused"));
    }

    @Test
    void aStaleSignatureIsRefused() {
        String b = body("evt-3", AFTER_GRACE, "compliant");
        MdmWebhook.Answer a = send(b, h.clock.instant().minus(WebhookSignature.TOLERANCE).minusSeconds(1));
        assertEquals(401, a.status());
        assertEquals("signature stale", a.body().get("reason"));
        assertTrue(h.nac.policies.containsKey(MAC));
    }

    @Test
    void aBodyChangedAfterSigningOrAnotherSecretIsRefused() {
        String b = body("evt-4", AFTER_GRACE, "noncompliant");
        String header = signature.sign(b, h.clock.instant());
        assertEquals(401, webhook.receive(header, b.replace("noncompliant", "compliant"), "r").status());
        String other = new WebhookSignature(new Secret("another-secret-0123456789abcdef0123456789")).sign(b, h.clock.instant());
        assertEquals(401, webhook.receive(other, b, "r").status());
        assertEquals(401, webhook.receive(null, b, "r").status());
        assertEquals(401, webhook.receive("t=abc,v1=zz", b, "r").status());
        assertTrue(h.nac.policies.containsKey(MAC));
        assertTrue(h.claims.state("webhook/evt-4").isEmpty(), "nothing remembered from a request that was not genuine");
    }

    @Test
    void oneMatchingSignatureOfSeveralIsEnough_forSecretRotation() {
        String b = body("evt-5", AFTER_GRACE.plusSeconds(1), "compliant");
        String good = signature.sign(b, h.clock.instant());
        String header = good.replace(",v1=", ",v1=" + "00".repeat(32) + ",v1=");
        assertEquals(200, webhook.receive(header, b, "r").status());
    }

    @Test
    void aGenuineButMalformedBodyIsABadRequest() {
        String b = "{\"id\":\"evt-6\",\"type\":\"device.enrolled\",\"device\":{\"mdm\":\"intune\"}}";
        MdmWebhook.Answer a = send(b, h.clock.instant());
        assertEquals(400, a.status());
        String reason = a.body().get("reason").toString();
        assertTrue(reason.contains("type") && reason.contains("occurredAt") && reason.contains("mdmId"), reason);
    }

    @Test
    void anUnknownDeviceIsAcknowledgedAndIgnored() {
        String b = body("evt-7", AFTER_GRACE, "compliant").replace("\"d18\"", "\"nope\"");
        assertEquals(202, send(b, h.clock.instant()).status());
    }

    @Test
    void aReportOlderThanTheInventorysIsNotApplied() {
        String b = body("evt-8", GRACE_ENDS.minus(Duration.ofDays(1)), "compliant");
        MdmWebhook.Answer a = send(b, h.clock.instant());
        assertEquals("stale", a.body().get("status"));
        assertTrue(h.nac.policies.containsKey(MAC));
    }

    @Test
    void whenProcessingFailsTheDeliveryIsNotRememberedSoTheMdmsRetryWorks() {
        org.appban.ports.DeviceStore broken = new org.appban.ports.DeviceStore() {
            @Override public java.util.Map<String, org.appban.ports.DeviceStore.Listed> findListed(java.util.Collection<String> ids, boolean consistent) { throw new IllegalStateException("devices table unavailable"); }
            @Override public boolean saveListed(Device d, String source, long period, long was) { throw new IllegalStateException("devices table unavailable"); }
            @Override public org.appban.ports.DeviceStore.StalePage stale(String source, int shard, long before, String after, int limit) { throw new IllegalStateException("devices table unavailable"); }
            @Override
            public java.util.Optional<Device> find(String id) {
                throw new IllegalStateException("devices table unavailable");
            }

            @Override
            public List<Device> ofOwner(String memberId) {
                return List.of();
            }

            @Override
            public List<Device> all() {
                return List.of();
            }

            @Override
            public void save(Device device) {
            }
        };
        MdmWebhook failing = new MdmWebhook(signature, h.claims, broken, h.ledger, h.service, h.clock);
        String b = body("evt-9", AFTER_GRACE.plusSeconds(30), "compliant");
        String header = signature.sign(b, h.clock.instant());
        try {
            failing.receive(header, b, "r1");
        } catch (IllegalStateException expected) {
            // the platform retries
        }
        assertTrue(h.claims.state("webhook/evt-9").isEmpty());
        assertEquals(200, webhook.receive(header, b, "r2").status());
        assertEquals(Claims.Outcome.ALREADY_DONE, h.claims.claim("webhook/evt-9", "x", h.clock.instant(), Duration.ofMinutes(1)));
        assertEquals(List.of(), h.nac.policies.keySet().stream().toList());
    }
}
