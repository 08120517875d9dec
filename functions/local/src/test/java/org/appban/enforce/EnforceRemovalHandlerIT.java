package org.appban.enforce;

import org.appban.lambda.enforce.EnforceRemovalHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.mdm.MdmAdapters;
import org.appban.fleet.SimulatedFleet;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.notice.NoticeRequest;
import org.appban.remote.Secret;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetExemption;
import org.appban.sim.fleet.FleetMember;
import org.appban.sim.http.Fault;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The enforce-removal function on the AWS emulator, built as production builds it: DynamoDB tables from
 * template.yaml, the SQS work queue, the kill switch in SSM, the MDM credentials in Secrets Manager; the MDM is the
 * Intune simulator, reached over real HTTP with the credentials read from the secret.
 */
class EnforceRemovalHandlerIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    private final SqsClient sqs = aws.clients().sqs();
    private SimulatedFleet fleet;
    private TemplateTables.Created tables;
    private DynamoDeviceStore devices;
    private DynamoLedger ledger;
    private DynamoClaims claims;
    private SsmKillSwitch killSwitch;
    private String queueUrl;
    private final List<NoticeRequest> notices = new CopyOnWriteArrayList<>();
    private EnforceRemovalHandler handler;

    @BeforeEach
    void setUp() {
        fleet = SimulatedFleet.sample();
        String prefix = AwsEmulator.uniquePrefix("enforce");
        tables = TemplateTables.load().create(aws.dynamoDb(), prefix, "DevicesTable", "ExemptionsTable", "LedgerTable", "ClaimsTable");
        devices = new DynamoDeviceStore(aws.dynamoDb(), tables.name("DevicesTable"));
        DynamoExemptionStore exemptions = new DynamoExemptionStore(aws.dynamoDb(), tables.name("ExemptionsTable"));
        ledger = new DynamoLedger(aws.dynamoDb(), tables.name("LedgerTable"));
        claims = new DynamoClaims(aws.dynamoDb(), tables.name("ClaimsTable"));
        killSwitch = new SsmKillSwitch(aws.clients().ssm(), "/" + prefix + "kill-switch");
        killSwitch.set(false, "setup", "start");
        // A short visibility timeout, so that an item reported as failed comes back within the test.
        queueUrl = sqs.createQueue(b -> b.queueName(prefix + "work").attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
        String secretArn = aws.clients().secretsManager().createSecret(b -> b.name(prefix + "mdm").secretString(
                "{\"kind\":\"intune\",\"tenant\":\"" + Simulators.TENANT + "\",\"clientId\":\"" + Simulators.GRAPH_CLIENT_ID
                        + "\",\"clientSecret\":\"" + Simulators.GRAPH_CLIENT_SECRET + "\",\"loginUrl\":\"" + fleet.sims.intune().baseUri()
                        + "\",\"graphUrl\":\"" + fleet.sims.intune().baseUri() + "\"}")).arn();
        fleet.sims.clock().set(OffsetDateTime.parse("2023-03-31T00:00+13:00").toInstant());
        fillDeviceStore();
        for (FleetExemption e : fleet.sims.world().fleet().exemptions()) exemptions.create(exemption(e));
        EnforceRemoval service = new EnforceRemoval(EnforcementWorld.POLICY, devices, exemptions, ledger, claims, killSwitch,
                () -> {
                    MdmAdapters.Mdm mdm = MdmAdapters.fromSecret(new SecretsManagerSecretSource(aws.clients().secretsManager()), secretArn, fleet.options);
                    return Map.of(mdm.kind(), mdm.enforcement());
                },
                new SqsWorkQueue(sqs, queueUrl), notices::add, fleet.sims.clock());
        // Deployed with DeadlineConfirm 100: the confirm this test's deadline events carry.
        handler = new EnforceRemovalHandler(service, 100);
        fleet.sims.intune().requests().clear();
    }

    @AfterEach
    void tearDown() {
        tables.close();
        sqs.deleteQueue(b -> b.queueUrl(queueUrl));
        fleet.close();
    }

    /** As inventory sync leaves the devices table: the Intune devices, owners resolved by email. */
    private void fillDeviceStore() {
        Map<String, String> byEmail = new HashMap<>();
        for (FleetMember m : fleet.sims.world().fleet().members()) byEmail.put(m.email().toLowerCase(Locale.ROOT), m.id());
        var base = fleet.sims.intune().baseUri();
        var inventory = new IntuneGraphInventory(new IntuneGraphClient(new IntuneConnection(base, base, Simulators.TENANT,
                Simulators.GRAPH_CLIENT_ID, new Secret(Simulators.GRAPH_CLIENT_SECRET)), fleet.options));
        Instant now = fleet.sims.clock().instant();
        for (InventoriedDevice d : inventory.devices(SimulatedFleet.APP).toList()) {
            devices.save(d.toDevice(byEmail.getOrDefault(d.ownerEmail().toLowerCase(Locale.ROOT), d.ownerEmail()), now));
        }
    }

    private String id(String fleetDevice) {
        return "intune:" + fleet.device(fleetDevice).intuneId();
    }

    private Exemption exemption(FleetExemption e) {
        Instant start = fleet.sims.clock().instant();
        ExemptionStatus status = ExemptionStatus.valueOf(e.status().toUpperCase(Locale.ROOT));
        String device = e.device() == null ? null : fleet.device(e.device()).spec().mdm() == FleetDevice.Mdm.INTUNE ? id(e.device()) : e.device();
        boolean decided = status != ExemptionStatus.REQUESTED;
        return new Exemption(e.id(), e.member(), device, e.reason(), status, e.requestedBy(), start.minus(Duration.ofDays(20)),
                decided ? e.approvedBy() : null, decided ? start.minus(Duration.ofDays(19)) : null, e.expires(),
                status == ExemptionStatus.REVOKED ? e.approvedBy() : null, status == ExemptionStatus.REVOKED ? start.minus(Duration.ofDays(1)) : null);
    }

    private JsonNode invoke(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    /** Receives what is visible on the queue now, as the event source mapping would, up to ten per batch. */
    private List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) empty++;
            all.addAll(batch);
        }
        return all;
    }

    /** Delivers messages in batches of ten; deletes the ones the handler did not report failed (as Lambda does). */
    private List<String> deliver(List<Message> messages) throws IOException {
        List<String> failed = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> batch = messages.subList(from, Math.min(messages.size(), from + 10));
            ObjectNode event = Json.object();
            ArrayNode records = event.putArray("Records");
            for (Message m : batch) {
                records.addObject().put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body())
                        .put("eventSource", "aws:sqs");
            }
            JsonNode answer = invoke(event.toString());
            List<String> batchFailed = new ArrayList<>();
            answer.path("batchItemFailures").forEach(f -> batchFailed.add(f.path("itemIdentifier").asText()));
            for (Message m : batch) {
                if (!batchFailed.contains(m.messageId())) sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
            failed.addAll(batchFailed);
        }
        return failed;
    }

    private boolean hasApp(String fleetDevice) {
        return fleet.device(fleetDevice).apps().contains("com.zhiliaoapp.musically") || fleet.device(fleetDevice).apps().contains("com.ss.android.ugc.trill");
    }

    @Test
    void theDeadlineRunFansOutThroughSqsAndEachDeviceIsDoneOnceEvenWhenSomeFailAtFirst() throws Exception {
        killSwitch.set(true, "ict-security-manager", "dress rehearsal");
        JsonNode stopped = invoke("{\"trigger\":\"deadline\",\"confirm\":100}");
        assertEquals("stopped", stopped.path("status").asText(), stopped.toString());
        assertEquals(0, fleet.sims.intune().requests().all().size(), "the kill switch stops the run before any request");
        assertTrue(receiveAll().isEmpty(), "and before anything is queued");

        killSwitch.set(false, "ict-security-manager", "go");
        IllegalStateException over = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> invoke("{\"trigger\":\"deadline\"}"));
        assertTrue(over.getMessage().contains("needs-confirmation"), over.getMessage());
        assertEquals(0, fleet.sims.intune().requests().all().size(), "the cap stops the run before any request");

        JsonNode run = invoke("{\"trigger\":\"deadline\",\"confirm\":100}");
        assertEquals("done", run.path("status").asText(), run.toString());
        int enqueued = run.path("actions").path("enqueued").asInt();
        assertTrue(enqueued >= 8, run.toString());

        String failing = fleet.device("d19-corp-iphone").intuneId();
        for (int i = 0; i < 6; i++) fleet.sims.intune().faults().next(Fault.serverError(503), q -> q.inner() && q.path().contains(failing));
        List<Message> first = receiveAll();
        assertEquals(enqueued, first.size());
        // SQS delivers at least once: hand one message over twice in the first delivery.
        List<Message> withDuplicate = new ArrayList<>(first);
        withDuplicate.add(first.get(0));
        List<String> failed = deliver(withDuplicate);
        assertEquals(1, failed.size(), "only the device whose requests failed");
        assertFalse(hasApp("d01-corp-iphone"));
        assertTrue(hasApp("d19-corp-iphone"));

        Thread.sleep(1500);
        List<Message> again = receiveAll();
        assertEquals(1, again.size(), "the failed item came back after its visibility timeout");
        assertEquals(List.of(), deliver(again));
        assertFalse(hasApp("d19-corp-iphone"));
        assertTrue(hasApp("d15-corp-iphone-exempt"));

        long syncs = fleet.sims.intune().requests().count(q -> q.inner() && q.path().endsWith("/syncDevice") && q.status() / 100 == 2);
        assertEquals(enqueued, syncs, "each device asked to check in exactly once, the duplicate delivery included");
        ChainVerifier verifier = new ChainVerifier();
        for (String chain : ledger.chains()) assertTrue(verifier.verify(chain, ledger.chain(chain)).intact(), chain);
        assertTrue(claims.state(EnforcementKeys.sync(id("d01-corp-iphone"), java.time.LocalDate.parse("2023-03-31"))).orElseThrow().completed());

        long writes = fleet.sims.intune().requests().count(EnforcementWorld::isWrite);
        JsonNode second = invoke("{\"trigger\":\"reconcile\"}");
        assertEquals("done", second.path("status").asText(), second.toString());
        assertEquals(writes, fleet.sims.intune().requests().count(EnforcementWorld::isWrite), "a second run writes nothing");
        assertTrue(receiveAll().isEmpty(), "and queues nothing: every check-in of the day is done");
    }

    @Test
    void aManualDryRunOnTheEmulatorReportsAndChangesNothing() throws Exception {
        JsonNode dry = invoke("{\"request\":\"enforce\",\"all\":true}");
        assertEquals("dry-run", dry.path("status").asText(), dry.toString());
        assertEquals(0, fleet.sims.intune().requests().all().size());
        assertTrue(receiveAll().isEmpty());
        assertTrue(dry.path("devices").size() > 10);
    }
}
