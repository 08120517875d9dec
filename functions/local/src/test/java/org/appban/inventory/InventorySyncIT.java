package org.appban.inventory;

import org.appban.lambda.inventory.InventorySyncHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.input.StrictObject;
import org.appban.json.Json;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetMember;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The inventory sync function on the emulator: devices from the Intune simulator land in DynamoDB, and each
 * change reaches the project's event bus (observed through a rule that forwards to an SQS queue).
 */
class InventorySyncIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    private final EventBridgeClient eventBridge = aws.clients().eventBridge();
    private final SqsClient sqs = aws.clients().configure(SqsClient.builder()).build();
    private final String prefix = AwsEmulator.uniquePrefix("inventory");
    private SimulatedFleet fleet;
    private TemplateTables.Created tables;
    private String queueUrl;
    private InventorySyncHandler handler;

    @BeforeEach
    void setUp() {
        fleet = SimulatedFleet.sample();
        tables = TemplateTables.load().create(aws.dynamoDb(), prefix, "MembersTable", "DevicesTable", "LedgerTable");
        DynamoMemberStore members = new DynamoMemberStore(aws.dynamoDb(), tables.name("MembersTable"));
        for (FleetMember m : fleet.sims.world().fleet().members()) {
            members.save(Member.active(m.id(), m.name(), m.email(), Role.parse(m.role()).orElseThrow()));
        }
        String bus = prefix + "bus";
        eventBridge.createEventBus(r -> r.name(bus));
        queueUrl = sqs.createQueue(r -> r.queueName(prefix + "changes")).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        eventBridge.putRule(r -> r.name(prefix + "rule").eventBusName(bus)
                .eventPattern("{\"source\":[\"" + DeviceStatusChanged.SOURCE + "\"],\"detail-type\":[\"" + DeviceStatusChanged.DETAIL_TYPE + "\"]}"));
        eventBridge.putTargets(r -> r.rule(prefix + "rule").eventBusName(bus).targets(t -> t.id("queue").arn(queueArn)));
        IntuneConnection intune = new IntuneConnection(fleet.sims.intune().baseUri(), fleet.sims.intune().baseUri(),
                Simulators.TENANT, Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET));
        InventorySync sync = new InventorySync(new PolicyLoader().bundled(PolicyLoader.BUNDLED),
                List.of(new IntuneGraphInventory(new IntuneGraphClient(intune, fleet.options))),
                members, new DynamoDeviceStore(aws.dynamoDb(), tables.name("DevicesTable")),
                new EventBridgeDeviceEvents(eventBridge, bus),
                new DynamoLedger(aws.dynamoDb(), tables.name("LedgerTable")), fleet.sims.clock());
        handler = new InventorySyncHandler(sync);
    }

    @AfterEach
    void tearDown() {
        tables.close();
        fleet.close();
    }

    private JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    private List<DeviceStatusChanged> drain() {
        List<DeviceStatusChanged> received = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) return received;
            for (Message m : messages) {
                try {
                    JsonNode event = Json.parse(m.body());
                    StrictObject.Problems problems = new StrictObject.Problems("event");
                    received.add(DeviceStatusChangedJson.fromDetail(StrictObject.root(event.path("detail"), problems)));
                    problems.throwIfAny();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    @Test
    void each_new_device_reaches_the_bus_once_and_a_second_sync_publishes_nothing() throws Exception {
        JsonNode report = invoke("{\"trigger\":\"schedule\"}");
        assertEquals("synced", report.path("status").asText(), report.toString());
        int devices = report.path("perMdm").path("intune").asInt();
        assertTrue(devices > 10);
        List<DeviceStatusChanged> first = drain();
        assertEquals(devices, first.size());
        assertEquals(devices, first.stream().map(DeviceStatusChanged::device).distinct().count());

        JsonNode again = invoke("{\"trigger\":\"schedule\"}");
        assertEquals(0, again.path("saved").asInt());
        assertEquals(List.of(), drain());
    }

    @Test
    void a_manual_request_is_a_dry_run_by_default_and_a_malformed_one_is_rejected() throws Exception {
        JsonNode dry = invoke("{\"trigger\":\"manual\"}");
        assertTrue(dry.path("dryRun").asBoolean());
        assertEquals(List.of(), drain());
        JsonNode bad = invoke("{\"trigger\":\"manual\",\"dryRun\":\"no\",\"mdm\":\"intune\"}");
        assertEquals("rejected", bad.path("status").asText());
        assertTrue(bad.path("error").asText().contains("dryRun: must be true or false, found a string"), bad.toString());
        assertTrue(bad.path("error").asText().contains("mdm: unknown field"), bad.toString());
    }
}
