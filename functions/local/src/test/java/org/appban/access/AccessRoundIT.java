package org.appban.access;

import static org.appban.access.AccessFixtures.POLICY;
import static org.appban.testing.WorkEvents.context;
import static org.appban.testing.WorkEvents.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.json.Json;
import org.appban.lambda.access.NetworkAccessHandler;
import org.appban.network.nac.NacAdapters;
import org.appban.notice.Attestations;
import org.appban.safety.SsmKillSwitch;
import org.appban.secrets.SecretsManagerSecretSource;
import org.appban.sim.Simulators;
import org.appban.fleet.SimulatedFleet;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoEvidenceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.DynamoRequestLog;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
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
 * Network access's daily round on the emulator over real connections, through the function's handler: tables from
 * template.yaml, its work queue a real SQS queue, the NAC the ISE simulator. Every DynamoDB request is recorded as it
 * leaves the client, so the test sees what the round read.
 */
class AccessRoundIT {
    private final TestClock clock = new TestClock(POLICY.privateGraceEnds().plus(Duration.ofHours(2)));
    private final DynamoRequestLog log = new DynamoRequestLog();
    private final List<Map<String, String>> requests = log.requests();
    private TemplateTables.Created tables;
    private SimulatedFleet fleet;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private String queueUrl;
    private DynamoLedger ledger;
    private DynamoDeviceStore devices;
    private NetworkAccessHandler handler;
    private final List<String> alerts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void deploy() {
        AwsEmulator aws = AwsEmulator.shared();
        String prefix = AwsEmulator.uniquePrefix("access-round");
        tables = TemplateTables.load().create(aws.dynamoDb(), prefix, "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable",
                "ClaimsTable", "EvidenceTable");
        fleet = SimulatedFleet.sample();
        dynamo = log.client(aws);
        sqs = aws.clients().sqs();
        queueUrl = sqs.createQueue(r -> r.queueName(prefix.replaceAll("[^a-zA-Z0-9-]", "") + "-AccessWork")).queueUrl();
        var sm = aws.clients().secretsManager();
        String nacArn = sm.createSecret(b -> b.name(prefix + "nac").secretString("{\"kind\":\"ise\",\"url\":\"" + fleet.sims.ise().baseUri()
                + "\",\"username\":\"" + Simulators.ISE_USER + "\",\"password\":\"" + Simulators.ISE_PASSWORD + "\",\"policyName\":\"Quarantine\"}")).arn();
        var members = new DynamoMemberStore(dynamo, tables.name("MembersTable"));
        devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
        var exemptions = new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        var claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));
        var evidence = new DynamoEvidenceStore(dynamo, tables.name("EvidenceTable"), Duration.ofDays(30));
        // The sample fleet as the inventory holds it (the end-to-end test's world), written through the same stores.
        NetworkAccessEndToEndIT.fleet = fleet;
        NetworkAccessEndToEndIT.clock = clock;
        NetworkAccessEndToEndIT.devices = devices;
        NetworkAccessEndToEndIT.seed(members, exemptions);
        // History the round must not read: a long chain of a member who left years ago.
        for (int i = 0; i < 30; i++) {
            ledger.append(new LedgerRecord(Instant.parse("2022-01-01T09:00:00Z").plusSeconds(i), org.appban.domain.Actor.schedule("old"), "m-old",
                    null, "notice.sent", "ok", false, "old/" + i, Map.of()));
        }
        var nac = NacAdapters.fromSecret(new SecretsManagerSecretSource(sm), nacArn, fleet.options);
        var service = new NetworkAccessService(POLICY, devices, exemptions, Attestations.fromLedger(ledger), evidence, nac,
                new SsmKillSwitch(aws.clients().ssm(), "/" + prefix + "kill-switch"), claims, ledger, AccessNotices.none(),
                (subject, body, facts) -> alerts.add(subject), clock);
        var gate = new ContinuationGate(AccessRound.KIND, queueUrl, ContinuationJson.JSON, claims, ledger, clock);
        var round = new AccessRound(service, new WorkSteps(gate, new SqsWork(() -> sqs, queueUrl)), claims, 2, POLICY.zone(), clock);
        handler = new NetworkAccessHandler(new AccessFunction(service, null, null, null, round));
        requests.clear();
    }

    @AfterEach
    void tearDown() {
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        if (fleet != null) fleet.close();
        if (tables != null) tables.close();
    }

    @Test
    void a_round_cut_by_the_time_limit_goes_on_through_the_queue_acts_once_on_each_device_and_scans_nothing_but_its_device_pages() {
        JsonNode started = invoke(handler, Json.write(Map.of("trigger", "schedule", "schedule", "network-access-daily")), context("schedule", 100));
        assertEquals("handed-on", started.path("status").asText(), started.toString());
        int steps = 0;
        int handedOn = 0;
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            for (Message m : batch) {
                assertTrue(steps++ < 300, "the round does not end");
                // Three looks at the clock an invocation: the lease's, then two devices or pages before time is up.
                JsonNode out = invoke(handler, WorkEvents.sqs(m.messageId(), m.body()), context("step-" + steps, 3));
                JsonNode step = out.path("steps").path(0);
                assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
                assertEquals(0, out.path("batchItemFailures").size(), out.toString());
                if (step.path("handedOn").asBoolean()) handedOn++;
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertTrue(handedOn >= 4, "parts longer than an invocation are handed on: " + handedOn + " hand-ons in " + steps + " steps");
        // Each quarantine applied once at ISE and in the ledger once; every MAC ISE holds in quarantine is one of them.
        long applies = fleet.sims.ise().requests().count(q -> q.path().endsWith("/apply"));
        List<LedgerRecord> quarantined = new ArrayList<>();
        for (var member : fleet.sims.world().fleet().members()) {
            ledger.chain("member#" + member.id()).stream().map(LedgerEntry::record).filter(r -> r.action().equals("nac.quarantined")).forEach(quarantined::add);
        }
        long held = fleet.sims.world().devices().stream().filter(d -> d.spec().mac() != null && fleet.sims.ise().policyOf(d.spec().mac()) != null).count();
        assertTrue(held > 0, "the round quarantined nothing: the sample fleet has private devices carrying the app");
        assertEquals(held, applies, "one apply at ISE per quarantined device");
        assertEquals(held, quarantined.size(), "one ledger entry per quarantine: " + quarantined);
        assertEquals(held, quarantined.stream().map(LedgerRecord::device).distinct().count());
        assertEquals(List.of(), ledger.chain("fleet").stream().map(LedgerEntry::record).filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList());

        List<Map<String, String>> scans = requests.stream().filter(r -> r.get("operation").equals("Scan")).toList();
        String deviceTable = tables.name("DevicesTable");
        assertEquals(List.of(), scans.stream().filter(r -> !deviceTable.equals(r.get("table")) || r.containsKey("index")).toList(),
                "the daily round scans no table but its devices' pages (not exemptions, the ledger, evidence or claims)");
        for (Map<String, String> s : scans) {
            assertTrue(!s.get("segment").equals("null") && s.get("limit").equals(String.valueOf(NetworkAccessService.ROUND_PAGE)),
                    "every read of the devices is one page of one part: " + s);
        }
        Map<String, Long> byOperation = new TreeMap<>();
        requests.forEach(r -> byOperation.merge(r.get("operation"), 1L, Long::sum));
        System.out.println("[access round] " + steps + " steps (" + handedOn + " handed on), " + held + " quarantines, DynamoDB requests "
                + byOperation);
    }

    @Test
    void bad_messages_are_refused_and_recorded_and_a_cursor_at_a_deleted_device_resumes_at_the_next_one() {
        String otherStage = ContinuationJson.toJson(Continuation.start(AccessRound.KIND, queueUrl + "-prod", "network-access-daily/2023-04-08", 0, 1));
        JsonNode refused = invoke(handler, WorkEvents.sqs("bad-1", otherStage), context("w1", 100));
        assertEquals("other-stage", refused.path("steps").path(0).path("reason").asText(), refused.toString());
        JsonNode malformed = invoke(handler, WorkEvents.sqs("bad-2", "{\"continue\":\"network-access-round\"}"), context("w2", 100));
        assertEquals("malformed", malformed.path("steps").path(0).path("reason").asText(), malformed.toString());
        List<LedgerRecord> recorded = ledger.chain("fleet").stream().map(LedgerEntry::record)
                .filter(r -> r.action().equals(ContinuationGate.REFUSED)).toList();
        assertEquals(2, recorded.size());
        assertTrue(recorded.stream().allMatch(r -> r.details().containsKey("bodySha256") && !r.details().toString().contains("network-access-daily")),
                "the body is never kept, only its hash: " + recorded);

        List<String> order = new ArrayList<>();
        String after = null;
        for (var page = devices.page(0, 1, null, 1000); ; page = devices.page(0, 1, after, 1000)) {
            page.devices().forEach(d -> order.add(d.id()));
            if (page.last() || page.devices().isEmpty()) break;
            after = order.get(order.size() - 1);
        }
        String gone = order.get(4);
        dynamo.deleteItem(r -> r.tableName(tables.name("DevicesTable")).key(Map.of("id", AttributeValue.fromS(gone))));
        String body = ContinuationJson.toJson(new Continuation(AccessRound.KIND, queueUrl, "network-access-daily/2023-04-08", 0, 1, 2, gone));
        JsonNode out = invoke(handler, WorkEvents.sqs("cursor-1", body), context("w3", 100));
        JsonNode step = out.path("steps").path(0);
        assertEquals("part-done", step.path("status").asText(), out.toString());
        assertEquals(order.size() - 5, step.path("devices").asInt(), "the devices after the deleted one, in the part's order: " + out);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(60)).messages();
    }
}
