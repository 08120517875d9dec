package org.appban.enforce;

import static org.appban.testing.WorkEvents.context;
import static org.appban.testing.WorkEvents.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphEnforcement;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProEnforcement;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.json.Json;
import org.appban.lambda.enforce.EnforceRemovalHandler;
import org.appban.remote.Secret;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetExemption;
import org.appban.sim.fleet.FleetMember;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.testing.AwsEmulator;
import org.appban.testing.DynamoRequestLog;
import org.appban.testing.TemplateTables;
import org.appban.testing.WorkEvents;
import org.appban.work.Continuation;
import org.appban.work.ContinuationGate;
import org.appban.work.ContinuationJson;
import org.appban.work.SqsWork;
import org.appban.work.WorkSteps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Enforcement's deciding round on the emulator over real connections, through the function's handler: tables from
 * template.yaml, the round's queue and the device work queue real SQS queues, the MDMs the Intune and Jamf simulators
 * with the real adapters. Every DynamoDB request is recorded as it leaves the client ({@link DynamoRequestLog}), so the
 * test sees what the round read.
 */
class EnforcementRoundIT {
    private static final int CONFIRM = 1000;
    private final DynamoRequestLog log = new DynamoRequestLog();
    private TemplateTables.Created tables;
    private SimulatedFleet fleet;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private String roundQueue;
    private String workQueue;
    private DynamoLedger ledger;
    private DynamoDeviceStore devices;
    private EnforceRemovalHandler handler;

    @BeforeEach
    void deploy() {
        AwsEmulator aws = AwsEmulator.shared();
        String prefix = AwsEmulator.uniquePrefix("enforce-round");
        tables = TemplateTables.load().create(aws.dynamoDb(), prefix, "DevicesTable", "ExemptionsTable", "LedgerTable", "ClaimsTable");
        fleet = SimulatedFleet.sample();
        fleet.sims.clock().set(OffsetDateTime.parse("2023-03-31T00:00+13:00").toInstant());
        dynamo = log.client(aws);
        sqs = aws.clients().sqs();
        String name = prefix.replaceAll("[^a-zA-Z0-9-]", "");
        roundQueue = sqs.createQueue(r -> r.queueName(name + "-EnforceRoundWork")).queueUrl();
        workQueue = sqs.createQueue(r -> r.queueName(name + "-EnforceWork")).queueUrl();
        devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
        var exemptions = new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        var claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));
        IntuneGraphClient graph = new IntuneGraphClient(new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(), Simulators.TENANT,
                Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET)), fleet.options);
        JamfProClient jamf = new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(), Simulators.JAMF_CLIENT_ID,
                new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options);
        seed(List.of(new IntuneGraphInventory(graph), new JamfProInventory(jamf)), exemptions);
        Map<MdmKind, FleetEnforcement> mdms = Map.of(MdmKind.INTUNE, new IntuneGraphEnforcement(graph, "appban"),
                MdmKind.JAMF, new JamfProEnforcement(jamf, "appban"));
        var killSwitch = new InMemoryKillSwitch();
        var clock = fleet.sims.clock();
        var service = new EnforceRemoval(EnforcementWorld.POLICY, devices, exemptions, ledger, claims, killSwitch, mdms,
                new SqsWorkQueue(sqs, workQueue), notice -> { }, clock);
        var gate = new ContinuationGate(EnforcementRound.KIND, roundQueue, ContinuationJson.JSON, claims, ledger, clock);
        var round = new EnforcementRound(EnforcementWorld.POLICY, devices, exemptions, ledger, claims, killSwitch, () -> mdms,
                new SqsWorkQueue(sqs, workQueue), new WorkSteps(gate, new SqsWork(() -> sqs, roundQueue)), 2, CONFIRM,
                alert -> { throw new AssertionError("no alert expected: " + alert); }, clock, 4);
        handler = new EnforceRemovalHandler(service, CONFIRM, round);
        log.requests().clear();
        fleet.sims.intune().requests().clear();
        fleet.sims.jamf().requests().clear();
    }

    /** The device store as inventory sync fills it, and the fleet's exemptions, written through the same stores. */
    private void seed(List<FleetInventory> inventories, DynamoExemptionStore exemptions) {
        Map<String, String> byEmail = new HashMap<>();
        for (FleetMember m : fleet.sims.world().fleet().members()) byEmail.put(m.email().toLowerCase(Locale.ROOT), m.id());
        Instant now = fleet.sims.clock().instant();
        for (FleetInventory inventory : inventories) {
            for (InventoriedDevice d : inventory.devices(SimulatedFleet.APP).toList()) {
                String owner = d.ownerEmail() == null ? "unknown" : byEmail.getOrDefault(d.ownerEmail().toLowerCase(Locale.ROOT), d.ownerEmail());
                devices.save(d.toDevice(owner, now));
            }
        }
        for (FleetExemption e : fleet.sims.world().fleet().exemptions()) {
            ExemptionStatus status = ExemptionStatus.valueOf(e.status().toUpperCase(Locale.ROOT));
            String device = e.device() == null ? null : fleet.device(e.device()).spec().mdm() == FleetDevice.Mdm.NONE ? e.device() : storeId(e.device());
            boolean decided = status != ExemptionStatus.REQUESTED;
            exemptions.create(new Exemption(e.id(), e.member(), device, e.reason(), status, e.requestedBy(), now.minus(Duration.ofDays(2)),
                    decided ? e.approvedBy() : null, decided ? now.minus(Duration.ofDays(1)) : null, e.expires(),
                    status == ExemptionStatus.REVOKED ? e.approvedBy() : null, status == ExemptionStatus.REVOKED ? now : null));
        }
    }

    private String storeId(String fleetDevice) {
        var d = fleet.device(fleetDevice);
        return (d.spec().mdm() == FleetDevice.Mdm.JAMF ? "jamf:" : "intune:") + SimulatedFleet.mdmId(d);
    }

    @AfterEach
    void tearDown() {
        if (roundQueue != null) sqs.deleteQueue(r -> r.queueUrl(roundQueue));
        if (workQueue != null) sqs.deleteQueue(r -> r.queueUrl(workQueue));
        if (fleet != null) fleet.close();
        if (tables != null) tables.close();
    }

    @Test
    void the_deadline_round_goes_on_through_the_queue_places_each_device_once_and_scans_nothing_but_device_pages() {
        JsonNode started = invoke(handler, Json.write(Map.of("trigger", "deadline", "confirm", CONFIRM)), context("schedule", 100));
        assertEquals("handed-on", started.path("status").asText(), started.toString());
        int steps = 0;
        int handedOn = 0;
        for (List<Message> batch = receive(roundQueue); !batch.isEmpty(); batch = receive(roundQueue)) {
            for (Message m : batch) {
                assertTrue(steps++ < 300, "the round does not end");
                // Two looks at the clock an invocation: the lease's, then one page before time is up.
                JsonNode out = invoke(handler, WorkEvents.sqs(m.messageId(), m.body(), roundQueue), context("step-" + steps, 2));
                JsonNode step = out.path("steps").path(0);
                assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
                assertEquals(0, out.path("batchItemFailures").size(), out.toString());
                if (step.path("handedOn").asBoolean()) handedOn++;
                sqs.deleteMessage(r -> r.queueUrl(roundQueue).receiptHandle(m.receiptHandle()));
            }
        }
        assertTrue(handedOn >= 4, "parts longer than an invocation are handed on: " + handedOn + " hand-ons in " + steps + " steps");
        List<Map<String, String>> roundReads = List.copyOf(log.requests());
        // The device work the round queued, through the same handler from its own queue.
        int items = 0;
        for (List<Message> batch = receive(workQueue); !batch.isEmpty(); batch = receive(workQueue)) {
            for (Message m : batch) {
                items++;
                JsonNode out = invoke(handler, WorkEvents.sqs(m.messageId(), m.body(), workQueue), context("work-" + items, 100));
                assertEquals(0, out.path("batchItemFailures").size(), out.toString());
                sqs.deleteMessage(r -> r.queueUrl(workQueue).receiptHandle(m.receiptHandle()));
            }
        }
        assertTrue(items > 0, "the round queued check-ins");
        for (String removed : EnforcementRoundTest.REMOVED) {
            assertFalse(fleet.device(removed).apps().contains("com.zhiliaoapp.musically") || fleet.device(removed).apps().contains("com.ss.android.ugc.trill"),
                    removed + " still has the app");
        }
        assertTrue(fleet.device("d15-corp-iphone-exempt").apps().contains("com.zhiliaoapp.musically"), "exempt, kept");
        assertTrue(fleet.device("d35-jamf-iphone-exempt").apps().contains("com.zhiliaoapp.musically"), "exempt, kept");
        List<LedgerRecord> placed = new ArrayList<>();
        for (var d : devices.all()) {
            ledger.aboutDevice(d.id()).stream().map(LedgerEntry::record).filter(r -> r.action().equals("mdm.group-placed")).forEach(placed::add);
        }
        assertTrue(placed.size() >= EnforcementRoundTest.REMOVED.size(), placed.toString());
        assertEquals(placed.size(), placed.stream().map(LedgerRecord::device).distinct().count(), "each placement recorded once");
        assertEquals(List.of(), ledger.chain("fleet").stream().map(LedgerEntry::record).filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList());
        assertEquals(0, fleet.sims.intune().requests().count(q -> q.method().equals("GET") && q.path().matches(".*/groups/[^/]+/members")),
                "no MDM group is listed whole");

        List<Map<String, String>> scans = roundReads.stream().filter(r -> r.get("operation").equals("Scan")).toList();
        String deviceTable = tables.name("DevicesTable");
        assertEquals(List.of(), scans.stream().filter(r -> !deviceTable.equals(r.get("table")) || r.containsKey("index")).toList(),
                "the round scans no table but its devices' pages (not exemptions, the ledger or claims)");
        for (Map<String, String> s : scans) {
            assertTrue(!s.get("segment").equals("null") && s.get("limit").equals("4"), "every read of the devices is one page of one part: " + s);
        }
        Map<String, Long> byOperation = new TreeMap<>();
        roundReads.forEach(r -> byOperation.merge(r.get("operation"), 1L, Long::sum));
        System.out.println("[enforce round] " + steps + " steps (" + handedOn + " handed on), " + placed.size() + " placements, " + items
                + " device actions, DynamoDB requests " + byOperation);
    }

    @Test
    void bad_messages_are_refused_and_recorded_and_a_cursor_at_a_deleted_device_resumes_at_the_next_one() {
        String otherStage = ContinuationJson.toJson(Continuation.start(EnforcementRound.KIND, roundQueue + "-prod", "deadline/2023-03-31", 0, 1));
        JsonNode refused = invoke(handler, WorkEvents.sqs("bad-1", otherStage, roundQueue), context("w1", 100));
        assertEquals("other-stage", refused.path("steps").path(0).path("reason").asText(), refused.toString());
        JsonNode malformed = invoke(handler, WorkEvents.sqs("bad-2", "{\"continue\":\"enforce-removal-round\"}", roundQueue), context("w2", 100));
        assertEquals("malformed", malformed.path("steps").path(0).path("reason").asText(), malformed.toString());
        String otherKind = ContinuationJson.toJson(Continuation.start("network-access-round", roundQueue, "deadline/2023-03-31", 0, 1));
        JsonNode kind = invoke(handler, WorkEvents.sqs("bad-3", otherKind, roundQueue), context("w3", 100));
        assertEquals("other-kind", kind.path("steps").path(0).path("reason").asText(), kind.toString());
        List<LedgerRecord> recorded = ledger.chain("fleet").stream().map(LedgerEntry::record)
                .filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList();
        assertEquals(3, recorded.size());
        assertTrue(recorded.stream().allMatch(r -> r.details().containsKey("bodySha256") && !r.details().toString().contains("deadline/2023")),
                "the body is never kept, only its hash: " + recorded);

        List<String> order = new ArrayList<>();
        String after = null;
        for (var page = devices.page(0, 1, null, 100); ; page = devices.page(0, 1, after, 100)) {
            page.devices().forEach(d -> order.add(d.id()));
            if (page.last() || page.devices().isEmpty()) break;
            after = order.get(order.size() - 1);
        }
        String gone = order.get(4);
        dynamo.deleteItem(r -> r.tableName(tables.name("DevicesTable")).key(Map.of("id", AttributeValue.fromS(gone))));
        String body = ContinuationJson.toJson(new Continuation(EnforcementRound.KIND, roundQueue, "deadline/2023-03-31/confirm-" + CONFIRM, 0, 1, 2, gone));
        JsonNode out = invoke(handler, WorkEvents.sqs("cursor-1", body, roundQueue), context("w4", 100));
        JsonNode step = out.path("steps").path(0);
        assertEquals("part-done", step.path("status").asText(), out.toString());
        assertEquals(order.size() - 5, step.path("devices").asInt(), "the devices after the deleted one, in the part's order: " + out);

        // A replay of a step done is refused and recorded too.
        JsonNode replay = invoke(handler, WorkEvents.sqs("cursor-2", body, roundQueue), context("w5", 100));
        assertEquals("replayed", replay.path("steps").path(0).path("reason").asText(), replay.toString());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private List<Message> receive(String queue) {
        return sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1).visibilityTimeout(60)).messages();
    }
}
