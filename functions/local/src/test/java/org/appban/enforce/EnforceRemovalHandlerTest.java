package org.appban.enforce;

import org.appban.lambda.enforce.EnforceRemovalHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.appban.domain.Actor;
import org.appban.fleet.SimulatedFleet;
import org.appban.json.Json;
import org.appban.sim.http.Fault;
import org.appban.testing.AuthorisedRuns;
import org.appban.testing.ProjectLayout;
import org.appban.work.ContinuationJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The handler's triggers and requests, including every sample under events/enforce-removal, on embedded adapters. */
class EnforceRemovalHandlerTest {
    private final EnforcementWorld world = EnforcementWorld.sample();
    /** Deployed with DeadlineConfirm 40, the confirm events/enforce-removal/deadline-confirmed.json carries. */
    private final EnforceRemovalHandler handler = new EnforceRemovalHandler(world.enforcement.service(), 40);
    /** The queue the events/enforce-removal/sqs-round-*.json steps were handed to (production's round queue). */
    static final String ROUND_QUEUE = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-EnforceRoundWork";
    /** Deployed: the schedules hand the run on as a round, whose steps come back on its queue. */
    private final java.util.List<String> handedOn = new java.util.ArrayList<>();
    private final EnforceRemovalHandler deployed = new EnforceRemovalHandler(world.enforcement.service(), 40,
            new EnforcementRound(EnforcementWorld.POLICY, world.devices, world.exemptions, world.ledger, world.claims, world.killSwitch,
                    () -> java.util.Map.of(org.appban.domain.MdmKind.INTUNE, world.intune, org.appban.domain.MdmKind.JAMF, world.jamf),
                    work -> { }, new org.appban.work.WorkSteps(new org.appban.work.ContinuationGate(EnforcementRound.KIND, ROUND_QUEUE, ContinuationJson.JSON, world.claims,
                    world.ledger, world.fleet.sims.clock()), handedOn::add), 2, 40, alert -> { }, world.fleet.sims.clock()));

    @AfterEach
    void close() {
        world.close();
    }

    private JsonNode invoke(String event) throws IOException {
        return invoke(handler, event);
    }

    private static JsonNode invoke(EnforceRemovalHandler h, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    @Test
    void deployedTheSchedulesHandTheRunOnAsARoundAndItsStepsComeBackFromItsQueueNotAsDeviceWork() throws IOException {
        world.at("2023-04-03T09:00+12:00");
        world.refreshInventory();
        JsonNode started = invoke(deployed, "{\"trigger\":\"reconcile\"}");
        assertEquals("handed-on", started.path("status").asText(), started.toString());
        assertEquals(2, handedOn.size(), "one survey message per part: " + handedOn);
        JsonNode step = invoke(deployed, Files.readString(ProjectLayout.root().resolve("events/enforce-removal/sqs-round-1-survey.json")));
        assertEquals("part-done", step.path("steps").path(0).path("status").asText(), step.toString());
        assertEquals("survey", step.path("steps").path(0).path("phase").asText(), step.toString());
        // The same step's message as device work would be malformed; from the round's queue it is the round's.
        JsonNode asWork = invoke(deployed, Files.readString(ProjectLayout.root().resolve("events/enforce-removal/sqs-batch.json")));
        assertEquals(0, asWork.path("batchItemFailures").size(), asWork.toString());
        assertTrue(asWork.has("batchItemFailures") && !asWork.has("steps"), "device work is still device work: " + asWork);
    }

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(ProjectLayout.root().resolve("events").resolve("enforce-removal"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleEventIsAccepted(Path sample) throws IOException {
        world.at("2023-04-03T09:00+12:00");
        world.refreshInventory();
        // Removal already under way (confirmed), so that the schedule samples are not stopped by the cap.
        world.enforcement.run(EnforceRequest.deadline().confirmed(40), Actor.schedule("deadline"), "before-samples");
        String text = Files.readString(sample);
        Instant now = world.fleet.sims.clock().instant();
        if (AuthorisedRuns.acts(Json.parse(text))) {
            // Sent directly, a request that acts in someone's name is refused: it comes through the admin function.
            assertTrue(invoke(text).path("error").asText().contains("a direct invocation proves nobody"), sample.toString());
        }
        boolean roundStep = sample.getFileName().toString().startsWith("sqs-round-");
        EnforceRemovalHandler h = roundStep ? deployed : handler;
        // The act phase's first step comes after every part's survey: its survey is delivered first, as the round does.
        if (sample.getFileName().toString().equals("sqs-round-2-act.json")) {
            invoke(deployed, Files.readString(ProjectLayout.root().resolve("events/enforce-removal/sqs-round-1-survey.json")));
        }
        JsonNode answer = invoke(h, AuthorisedRuns.asDelivered(world.ledger, now, "enforce-removal", text, sample.getFileName().toString(),
                Json.parse(ProjectLayout.root().resolve("events/enforce-removal/enforce-devices.json"))));
        assertNotEquals("rejected", answer.path("status").asText(), sample + ": " + answer);
        if (sample.getFileName().toString().startsWith("sqs")) {
            assertTrue(answer.path("batchItemFailures").isArray(), answer.toString());
            assertEquals(0, answer.path("batchItemFailures").size(), answer.toString());
        } else {
            assertTrue(answer.has("status") && answer.has("runId"), answer.toString());
        }
    }

    @Test
    void thereIsASampleForEveryTriggerAndRequest() throws IOException {
        List<String> names = samples().map(p -> p.getFileName().toString()).toList();
        for (String expected : List.of("deadline.json", "reconcile.json", "sqs-batch.json", "sqs-round-1-survey.json", "sqs-round-2-act.json", "enforce-members.json",
                "enforce-devices.json", "enforce-all.json", "reconcile-device.json")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
    }

    @Test
    void aScheduledRunStoppedByTheCapEndsInAnErrorSoTheAlarmTellsAdministrators() {
        world.at("2023-03-31T00:00+13:00");
        world.refreshInventory();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> invoke("{\"trigger\":\"deadline\"}"));
        assertTrue(e.getMessage().contains("needs-confirmation") && e.getMessage().contains("\"confirm\""), e.getMessage());
        world.killSwitch.set(true, "admin", "pause");
        assertDoesNotThrowOnStop();
    }

    private void assertDoesNotThrowOnStop() {
        try {
            JsonNode r = invoke("{\"trigger\":\"deadline\"}");
            assertEquals("stopped", r.path("status").asText(), "an administrator's stop is not an error");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aScheduleEventWhoseConfirmTheStackWasNotDeployedWithIsRefusedRecordedAndDoesNothing() throws IOException {
        world.at("2023-03-31T00:00+13:00");
        world.refreshInventory();
        long before = world.requests();
        // Anyone who may invoke the function can write a schedule's event: a confirm of their own is a decision in
        // someone's name, which only the admin function URL (enforce.run) takes.
        JsonNode r = invoke("{\"trigger\":\"deadline\",\"confirm\":9999}");
        assertEquals("rejected", r.path("status").asText(), r.toString());
        assertTrue(r.path("error").asText().contains("a direct invocation proves nobody") && r.path("error").asText().contains("DeadlineConfirm 40")
                && r.path("error").asText().contains("enforce.run"), r.toString());
        assertEquals(before, world.requests(), "nothing sent to the MDM");
        var refused = world.ledger.chain("fleet").get(world.ledger.chain("fleet").size() - 1).record();
        assertEquals(org.appban.identity.DirectInvocation.REFUSED, refused.action());
        // A stack deployed with no DeadlineConfirm honours none.
        JsonNode none = new EnforceRemovalHandlerTest.Invoker(new EnforceRemovalHandler(world.enforcement.service())).invoke(
                "{\"trigger\":\"reconcile\",\"confirm\":40}");
        assertTrue(none.path("error").asText().contains("deployed with no DeadlineConfirm"), none.toString());
    }

    private record Invoker(EnforceRemovalHandler handler) {
        JsonNode invoke(String event) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
            return Json.parse(out.toByteArray());
        }
    }

    @Test
    void aManualRequestIsADryRunUnlessItSaysOtherwise() throws IOException {
        world.at("2023-04-01T09:00+13:00");
        world.refreshInventory();
        long before = world.requests();
        JsonNode r = invoke("{\"request\":\"enforce\",\"members\":[\"m01\"]}");
        assertEquals("dry-run", r.path("status").asText(), r.toString());
        assertTrue(r.path("dryRun").asBoolean());
        assertEquals(before, world.requests(), "nothing sent to the MDM, not even a read");
    }

    @Test
    void aMalformedRequestIsRejectedWithEveryProblemNamed() throws IOException {
        JsonNode r = invoke("{\"request\":\"enforce\",\"members\":\"m01\",\"all\":true,\"confirm\":0,\"dryrun\":false}");
        assertEquals("rejected", r.path("status").asText());
        String error = r.path("error").asText();
        assertTrue(error.contains("members: must be a list"), error);
        assertTrue(error.contains("confirm: must be the number of devices confirmed"), error);
        assertTrue(error.contains("dryrun: unknown field"), error);
        assertTrue(error.contains("exactly one of"), error);
        JsonNode unknown = invoke("{\"trigger\":\"weekly\"}");
        assertTrue(unknown.path("error").asText().contains("trigger: must be deadline or reconcile"), unknown.toString());
        JsonNode neither = invoke("{\"hello\":1}");
        assertEquals("rejected", neither.path("status").asText());
    }

    @Test
    void aListedDeviceIsEnforcedWithinTheInvocationAndUnknownOnesAreNamedWhileTheRestGoesAhead() throws IOException {
        world.at("2023-04-01T09:00+13:00");
        world.refreshInventory();
        String d01 = world.id("d01-corp-iphone");
        JsonNode r = invoke(AuthorisedRuns.handedOn(world.ledger, world.fleet.sims.clock().instant(), "enforce-removal",
                Json.parse("{\"request\":\"enforce\",\"devices\":[\"" + d01 + "\",\"intune:nope\"],\"dryRun\":false,\"confirm\":40}"), "run-listed"));
        assertEquals("done", r.path("status").asText(), r.toString());
        assertEquals("devices: 'intune:nope' is not in the inventory", r.path("problems").get(0).asText());
        assertEquals("done", r.path("actions").path("performed").get(0).path("result").asText(), r.toString());
        assertTrue(!world.hasApp("d01-corp-iphone"));
        assertTrue(world.hasApp("d23-corp-iphone"), "in the uninstall assignment, but only listed devices are asked to check in now");
    }

    @Test
    void anSqsBatchReportsOnlyTheItemsThatFailedForNow() throws IOException {
        world.at("2023-04-01T09:00+13:00");
        world.refreshInventory();
        world.enforcement.service().run(EnforceRequest.reconcile().confirmed(40), Actor.schedule("reconcile"), "run-sqs");
        List<DeviceWork> work = Stream.generate(() -> world.enforcement.queue().poll()).takeWhile(java.util.Optional::isPresent)
                .map(java.util.Optional::get).toList();
        assertTrue(work.size() >= 3, work.toString());
        String failing = SimulatedFleet.mdmId(world.fleet.device("d19-corp-iphone"));
        for (int i = 0; i < 6; i++) world.fleet.sims.intune().faults().next(Fault.serverError(503), q -> q.inner() && q.path().contains(failing));
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < work.size(); i++) {
            if (i > 0) records.append(',');
            records.append(Json.object().put("messageId", "m-" + i).put("body", DeviceWorkJson.write(work.get(i))).put("eventSource", "aws:sqs"));
        }
        records.append(",{\"messageId\":\"m-bad\",\"body\":\"{\\\"action\\\":\\\"wipe\\\"}\",\"eventSource\":\"aws:sqs\"}");
        JsonNode answer = invoke("{\"Records\":[" + records + "]}");
        List<String> failed = Stream.of(answer.path("batchItemFailures")).flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false))
                .map(f -> f.path("itemIdentifier").asText()).sorted().toList();
        int d19 = -1;
        for (int i = 0; i < work.size(); i++) if (work.get(i).device().equals(world.id("d19-corp-iphone"))) d19 = i;
        assertEquals(List.of("m-" + d19, "m-bad"), failed, answer.toString());
        assertTrue(!world.hasApp("d01-corp-iphone") && !world.hasApp("d23-corp-iphone"), "the rest of the batch went ahead");
        assertEquals(1, answer.size(), "only batchItemFailures, as Lambda expects");
    }
}
