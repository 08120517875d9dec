package org.appban.inventory;

import static org.appban.testing.WorkEvents.context;
import static org.appban.testing.WorkEvents.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.appban.domain.Device;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.inventory.DeviceStatusChanged.Change;
import org.appban.json.Json;
import org.appban.lambda.inventory.InventorySyncHandler;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetMember;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
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
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The hourly inventory round on the emulator through the function's handler: tables from template.yaml (the stamps'
 * index with them), its work queue a real SQS queue, Intune, Jamf and ISE the simulators over real connections. Every
 * DynamoDB request is recorded as it leaves the client, so the test sees what the round read. The same round's
 * result with the in-memory stores, and the whole-fleet sync's, are what it is held to.
 */
class InventoryRoundIT {
    private static final BanPolicy POLICY = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    private final DynamoRequestLog log = new DynamoRequestLog();
    private final List<Map<String, String>> requests = log.requests();
    private TemplateTables.Created tables;
    private SimulatedFleet fleet;
    private SqsClient sqs;
    private String queueUrl;
    private DynamoLedger ledger;
    private DynamoDeviceStore devices;
    private InventorySyncHandler handler;
    private final RecordedDeviceEvents events = new RecordedDeviceEvents();

    @BeforeEach
    void deploy() {
        AwsEmulator aws = AwsEmulator.shared();
        String prefix = AwsEmulator.uniquePrefix("inventory-round");
        tables = TemplateTables.load().create(aws.dynamoDb(), prefix, "MembersTable", "DevicesTable", "LedgerTable", "ClaimsTable");
        fleet = SimulatedFleet.sample();
        DynamoDbClient dynamo = log.client(aws);
        sqs = aws.clients().sqs();
        queueUrl = sqs.createQueue(r -> r.queueName(prefix.replaceAll("[^a-zA-Z0-9-]", "") + "-InventoryWork")).queueUrl();
        var members = new DynamoMemberStore(dynamo, tables.name("MembersTable"));
        for (FleetMember m : fleet.sims.world().fleet().members()) {
            members.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow()));
        }
        devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        var claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));
        InventorySync sync = new InventorySync(POLICY, mdms(), Optional.of(ise()), members, devices, events, ledger, fleet.sims.clock());
        int sources = InventoryRound.sources(sync);
        var gate = new ContinuationGate(InventoryRound.KIND, queueUrl, ContinuationJson.JSON, claims, ledger, fleet.sims.clock(), c -> InventoryRound.check(c, sources));
        handler = new InventorySyncHandler(sync, new InventoryRound(sync, new WorkSteps(gate, new SqsWork(() -> sqs, queueUrl)), fleet.sims.clock()));
        requests.clear();
    }

    private List<FleetInventory> mdms() {
        IntuneConnection intune = new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(),
                Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
        return List.of(new IntuneGraphInventory(new IntuneGraphClient(intune, fleet.options)),
                new JamfProInventory(new JamfProClient(JamfConnection.apiClient(fleet.sims.jamf().baseUri(),
                        Simulators.JAMF_CLIENT_ID, new Secret(Simulators.JAMF_CLIENT_SECRET)), fleet.options)));
    }

    private CiscoIseNetworkAccess ise() {
        return new CiscoIseNetworkAccess(new IseConnection(fleet.sims.ise().baseUri(), Simulators.ISE_USER,
                new Secret(Simulators.ISE_PASSWORD), "Quarantine"), fleet.options);
    }

    @AfterEach
    void tearDown() {
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        if (fleet != null) fleet.close();
        if (tables != null) tables.close();
    }

    @Test
    void an_hourly_round_cut_by_the_time_limit_goes_on_through_the_queue_stores_what_the_whole_sync_stores_and_scans_no_device() {
        // The whole-fleet sync (one invocation, in memory) over the same simulators at the same moment: the reference.
        InMemoryMemberStore twinMembers = new InMemoryMemberStore();
        for (FleetMember m : fleet.sims.world().fleet().members()) {
            twinMembers.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow()));
        }
        InMemoryDeviceStore twin = new InMemoryDeviceStore();
        InventorySync whole = new InventorySync(POLICY, mdms(), Optional.of(ise()), twinMembers, twin, new RecordedDeviceEvents(),
                new InMemoryLedger(), fleet.sims.clock());
        whole.run(org.appban.domain.Actor.schedule("inventory-hourly"), false);

        int steps = round(2);
        assertTrue(steps > 5, "the round was handed on through the queue: " + steps + " steps");
        Map<String, Device> stored = new TreeMap<>();
        twin.all().forEach(d -> stored.put(d.id(), devices.find(d.id()).orElse(null)));
        Map<String, Device> expected = new TreeMap<>();
        twin.all().forEach(d -> expected.put(d.id(), d));
        assertEquals(expected, stored, "the round stored the fleet the whole sync stores");
        assertEquals(twin.all().size(), devices.findListed(expected.keySet(), true).size());
        assertTrue(devices.findListed(expected.keySet(), true).values().stream().allMatch(l -> l.period() > 0), "every device stamped");

        List<Map<String, String>> scans = log.of("Scan");
        assertEquals(List.of(), scans.stream().filter(r -> !tables.name("MembersTable").equals(r.get("table"))).toList(),
                "the hourly round scans no device (only the roster, for the owners' addresses)");
        assertTrue(requests.stream().anyMatch(r -> "bySync".equals(r.get("index"))), "the candidates come from the stamps' index");
        Map<String, Long> byOperation = new TreeMap<>();
        requests.forEach(r -> byOperation.merge(r.get("operation") + (r.containsKey("index") ? "/" + r.get("index") : ""), 1L, Long::sum));
        System.out.println("[inventory round] " + steps + " steps, " + expected.size() + " devices, DynamoDB requests " + byOperation);

        // Sixteen days on, the sample fleet's scripted changes (a phone unenrols): the round finds what the whole sync
        // finds gone, and writes only what changed or is due its period's stamp.
        fleet.sims.clock().advance(Duration.ofDays(16));
        RecordedDeviceEvents wholeEvents = new RecordedDeviceEvents();
        new InventorySync(POLICY, mdms(), Optional.of(ise()), twinMembers, twin, wholeEvents, new InMemoryLedger(), fleet.sims.clock())
                .run(org.appban.domain.Actor.schedule("inventory-hourly"), false);
        events.clear();
        round(3);
        List<String> goneWhole = wholeEvents.published().stream().filter(e -> e.change() == Change.DEVICE_GONE).map(DeviceStatusChanged::device).sorted().toList();
        List<String> goneRound = events.published().stream().filter(e -> e.change() == Change.DEVICE_GONE).map(DeviceStatusChanged::device).sorted().toList();
        assertTrue(!goneWhole.isEmpty(), "the scripted fleet has a device leave its MDM");
        assertEquals(goneWhole, goneRound);
        assertEquals(List.of(), ledger.chain("fleet").stream().map(LedgerEntry::record).filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList());
    }

    @Test
    void bad_messages_are_refused_and_recorded_without_the_body() {
        String round = "inventory-hourly/" + InventoryRound.name(fleet.sims.clock().instant());
        String otherStage = ContinuationJson.toJson(Continuation.start(InventoryRound.KIND, queueUrl + "-prod", round, 0, 1));
        JsonNode refused = invoke(handler, WorkEvents.sqs("bad-1", otherStage), context("w1", 100));
        assertEquals("other-stage", refused.path("steps").path(0).path("reason").asText(), refused.toString());
        String badCursor = ContinuationJson.toJson(new Continuation(InventoryRound.KIND, queueUrl, round, 0, 1, 2, "7|L|https://elsewhere.example/steal"));
        JsonNode malformed = invoke(handler, WorkEvents.sqs("bad-2", badCursor), context("w2", 100));
        assertEquals("malformed", malformed.path("steps").path(0).path("reason").asText(), malformed.toString());
        // A Graph cursor naming another host: the Intune listing refuses to send its token there, and the round goes on
        // to the next source without marking anything of Intune gone.
        String elsewhere = ContinuationJson.toJson(new Continuation(InventoryRound.KIND, queueUrl, round, 0, 1, 2, "0|L|https://elsewhere.example/v1.0/deviceManagement/managedDevices"));
        JsonNode skipped = invoke(handler, WorkEvents.sqs("bad-3", elsewhere), context("w3", 100));
        assertEquals("part-done", skipped.path("steps").path(0).path("status").asText(), skipped.toString());
        assertTrue(skipped.path("steps").path(0).path("failures").toString().contains("another host"), skipped.toString());
        List<LedgerRecord> recorded = ledger.chain("fleet").stream().map(LedgerEntry::record)
                .filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList();
        assertEquals(2, recorded.size());
        assertTrue(recorded.stream().allMatch(r -> r.details().containsKey("bodySha256") && !r.details().toString().contains("elsewhere")),
                "the body is never kept, only its hash: " + recorded);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Runs an hour's round: the schedule, then the queue's messages as the mapping delivers them. Returns the steps. */
    private int round(int looks) {
        JsonNode started = invoke(handler, Json.write(Map.of("trigger", "schedule", "schedule", "inventory-hourly")), context("schedule", 100));
        assertEquals("handed-on", started.path("status").asText(), started.toString());
        int steps = 0;
        int done = 0;
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            for (Message m : batch) {
                assertTrue(steps++ < 300, "the round does not end");
                JsonNode out = invoke(handler, WorkEvents.sqs(m.messageId(), m.body()), context("step-" + steps, looks));
                JsonNode step = out.path("steps").path(0);
                assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
                assertEquals(0, out.path("batchItemFailures").size(), out.toString());
                if ("part-done".equals(step.path("status").asText())) done++;
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertEquals(1, done, "the round finished once");
        return steps;
    }

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(60)).messages();
    }
}
