package org.appban.access;

import org.appban.lambda.access.NetworkAccessHandler;
import org.appban.lambda.access.AttestationHandler;
import org.appban.testing.TestClock;
import static org.appban.access.AccessFixtures.privateEnrolled;
import static org.appban.access.AccessFixtures.privateUnmanaged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.appban.domain.ComplianceState;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.remote.Secret;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.AuthorisedRuns;
import org.appban.testing.ProjectLayout;
import org.appban.work.ContinuationJson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every sample under events/network-access and events/attestation, fed to its handler: none is rejected. */
class EventSamplesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EVENTS = ProjectLayout.root().resolve("events");
    static final String D07 = "intune:5d2f5a40-8a0e-3c5a-9c7e-0a6e1b2c3d07";
    static final String D18 = "intune:8b1e7c52-2f3d-3b6a-8d9f-1c2b3a4d5e18";
    /** The sample-only secrets the sample events were signed with (never used anywhere else). */
    static final Secret SAMPLE_WEBHOOK_SECRET = new Secret("whsec-sample-0123456789abcdef0123456789abcdef");
    static final Secret SAMPLE_SIGNING_KEY = new Secret("sample-signing-key-0123456789abcdef0123456789");

    static AccessHarness fleet() {
        AccessHarness h = new AccessHarness().with(
                privateEnrolled(D07, "m07", "02:AB:00:00:00:08", ComplianceState.NONCOMPLIANT, Instant.parse("2023-04-08T00:00:00Z")),
                privateEnrolled(D18, "m18", "02:AB:00:00:00:14", ComplianceState.NONCOMPLIANT, Instant.parse("2023-04-08T00:00:00Z")),
                privateUnmanaged("d10", "m10", "02:AB:00:00:00:0B"),
                privateUnmanaged("d25", "m25", "02:AB:00:00:00:1B"),
                privateEnrolled("intune:d08", "m08", "02:AB:00:00:00:09", ComplianceState.COMPLIANT, Instant.parse("2023-04-08T00:00:00Z")));
        h.clock.set(Instant.parse("2023-04-12T22:05:00Z"));
        return h;
    }

    static NetworkAccessHandler networkAccess(AccessHarness h) {
        TelemetryObjects logs = (bucket, key) -> {
            Path file = EVENTS.resolve("network-access/logs/" + (key.endsWith(".csv") ? "firewall-sample.csv" : "dns-sample.jsonl"));
            try {
                return new TelemetryObjects.LogObject("etag-" + key.hashCode(), Files.newBufferedReader(file));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        TelemetryIngest ingest = new TelemetryIngest(AccessFixtures.POLICY.app(), h.devices, h.evidence, h.ledger, h.clock);
        MdmWebhook webhook = new MdmWebhook(new WebhookSignature(SAMPLE_WEBHOOK_SECRET), h.claims, h.devices, h.ledger, h.service, h.clock);
        // The daily round's queue as production names it (the SQS sample's step is this stage's own).
        String queue = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-AccessWork";
        AccessRound round = new AccessRound(h.service, new org.appban.work.WorkSteps(
                new org.appban.work.ContinuationGate(AccessRound.KIND, queue, ContinuationJson.JSON, h.claims, h.ledger, h.clock), body -> { }),
                h.claims, 4, AccessFixtures.POLICY.zone(), h.clock);
        return new NetworkAccessHandler(new AccessFunction(h.service, ingest, logs, webhook, round));
    }

    static JsonNode call(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, Path sample) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(sample)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    static JsonNode call(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    static Stream<Path> samples(String function) throws IOException {
        return Files.list(EVENTS.resolve(function)).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @TestFactory
    Stream<DynamicTest> everyNetworkAccessSampleIsAccepted() throws IOException {
        return samples("network-access").map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            AccessHarness h = fleet();
            NetworkAccessHandler handler = networkAccess(h);
            String text = Files.readString(p);
            if (AuthorisedRuns.acts(JSON.readTree(text))) {
                // Sent directly, a request that acts in someone's name is refused: it comes through the admin function.
                assertTrue(call(handler, text).path("error").asText().contains("a direct invocation proves nobody"), p.toString());
            }
            JsonNode r = call(handler, AuthorisedRuns.asDelivered(h.ledger, h.clock.instant(), "network-access", text, p.getFileName().toString(),
                    JSON.readTree(EVENTS.resolve("network-access/manual-quarantine-devices.json").toFile())));
            assertNotEquals("rejected", r.path("status").asText(), r.toString());
            if (r.has("statusCode")) assertEquals(200, r.path("statusCode").asInt(), r.toString());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyAttestationSampleIsAnswered() throws IOException {
        return samples("attestation").map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            JsonNode r = call(attestation(), p);
            assertTrue(r.has("statusCode"), r.toString());
            int expected = p.getFileName().toString().contains("without-tick") ? 400 : 200;
            assertEquals(expected, r.path("statusCode").asInt(), r.path("body").asText());
        }));
    }

    static AttestationHandler attestation() {
        InMemoryMemberStore members = new InMemoryMemberStore();
        members.save(Member.active("m10", "Jack Thompson", "jack.thompson@parliament.govt.nz", Role.MEMBER));
        return new AttestationHandler(new AttestationService(new SignedLinks(SAMPLE_SIGNING_KEY, SignedLinks.ATTESTATION), members,
                new org.appban.store.memory.InMemoryLedger(), AttestationEvents.none(), AccessFixtures.POLICY,
                new TestClock(Instant.parse("2023-04-09T21:14:58Z"))));
    }

    @Test
    void theS3SampleIsReadAsTheDnsSampleLogAndKeepsOnlyTheMatchedEvidence() throws IOException {
        AccessHarness h = fleet();
        JsonNode r = call(networkAccess(h), EVENTS.resolve("network-access/s3-telemetry-log.json"));
        JsonNode t = r.path("telemetry").get(0);
        assertEquals("s3://appban-prod-telemetry-111122223333-ap-southeast-2/dns/2023/04/08/resolver-1 20-55.jsonl", t.path("source").asText());
        assertEquals(4, t.path("records").asInt());
        assertEquals(3, t.path("matched").asInt());
        assertEquals(1, t.path("unknownAddress").asInt());
        assertEquals(List.of("d25"), JSON.convertValue(t.path("devices"), List.class));
        assertEquals("tiktokcdn.com", h.evidence.latestSightings(List.of("d25")).get("d25").domain());
    }

    @Test
    void theQueueSampleIsTheFirstSurveyStepOfAOnePartRound_andTheScheduleHandsTheRoundOn() throws IOException {
        AccessHarness h = fleet();
        JsonNode r = call(networkAccess(h), EVENTS.resolve("network-access/sqs-continuation.json"));
        JsonNode step = r.path("steps").path(0);
        assertEquals("part-done", step.path("status").asText(), r.toString());
        assertEquals("survey", step.path("phase").asText(), r.toString());
        assertTrue(step.path("actStarted").asBoolean(), "its one part counted, the act phase is handed on: " + r);
        JsonNode schedule = call(networkAccess(h), EVENTS.resolve("network-access/schedule.json"));
        assertEquals("handed-on", schedule.path("status").asText(), schedule.toString());
        assertEquals(0, h.nac.count("quarantine "), "neither acts by itself");
    }

    @Test
    void theWebhookSampleReleasesItsDevice() throws IOException {
        AccessHarness h = fleet();
        h.clock.set(Instant.parse("2023-04-12T21:00:00Z"));
        h.schedule();
        assertTrue(h.nac.policies.containsKey("02:AB:00:00:00:14"));
        h.clock.set(Instant.parse("2023-04-12T22:05:00Z"));
        JsonNode r = call(networkAccess(h), EVENTS.resolve("mdm-webhook/signed-compliance-changed.json"));
        assertEquals(200, r.path("statusCode").asInt(), r.toString());
        assertTrue(r.path("body").asText().contains("release:released"), r.path("body").asText());
        JsonNode replay = call(networkAccess(h), EVENTS.resolve("mdm-webhook/signed-compliance-changed.json"));
        assertEquals(409, replay.path("statusCode").asInt());
    }

    @Test
    void aBadManualRequestIsRejectedWithEveryProblemNamed() throws IOException {
        AccessHarness h = fleet();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        networkAccess(h).handleRequest(new ByteArrayInputStream("{\"action\":\"purge\",\"devices\":[],\"members\":[\"m1\"],\"confirm\":0,\"force\":true}".getBytes()), out, null);
        JsonNode r = JSON.readTree(out.toByteArray());
        assertEquals("rejected", r.path("status").asText());
        String problems = r.path("problems").toString();
        for (String expected : List.of("action", "not both", "confirm", "force")) assertTrue(problems.contains(expected), problems);
        assertTrue(h.nac.calls.isEmpty());
    }

    @Test
    void aManualRequestIsADryRunUnlessItSaysOtherwise() throws IOException {
        AccessHarness h = fleet();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        networkAccess(h).handleRequest(new ByteArrayInputStream("{\"action\":\"quarantine\"}".getBytes()), out, null);
        JsonNode r = JSON.readTree(out.toByteArray());
        assertTrue(r.path("dryRun").asBoolean(), r.toString());
        assertTrue(h.nac.policies.isEmpty());
    }

    @Test
    void theSampleLogsAreWhatTheReaderReads() throws IOException {
        TelemetryProblems problems = new TelemetryProblems();
        List<TelemetryRecord> records = new java.util.ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(EVENTS.resolve("network-access/logs/firewall-sample.csv"))) {
            new TelemetryReader().read(in, TelemetryReader.Format.CSV, records::add, problems);
        }
        assertEquals(0, problems.count(), problems.first().toString());
        assertEquals(2, records.size());
    }
}
