package org.appban.exemption;

import static org.appban.exemption.SweepWorld.MORNING;
import static org.appban.exemption.SweepWorld.SCHEDULE;
import static org.appban.testing.WorkEvents.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.appban.lambda.exemption.ExemptionSweepHandler;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.DynamoRequestLog;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
import org.appban.testing.WorkEvents;
import org.appban.work.SqsWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The daily exemption sweep on the emulator over real connections: tables from template.yaml (with its sparse index
 * of exemptions with a notice due), the work queue a real SQS queue. Every DynamoDB request is recorded as it leaves
 * the client, so the test sees what the sweep read: never a Scan, the exemptions only through the index.
 */
class ExemptionSweepRoundIT {
    private static final int EXEMPTIONS = 48;

    private final TestClock clock = new TestClock(MORNING);
    private final DynamoRequestLog log = new DynamoRequestLog();
    private final List<Map<String, String>> requests = log.requests();
    private final ExemptionFixtures.RecordedNotices notices = new ExemptionFixtures.RecordedNotices();
    private TemplateTables.Created tables;
    private SqsClient sqs;
    private String queueUrl;
    private DynamoExemptionStore exemptions;
    private DynamoLedger ledger;
    private ExemptionSweepHandler handler;
    private ExemptionService service;
    private DynamoDbClient rawDynamo;

    @BeforeEach
    void deploy() {
        AwsEmulator emulator = AwsEmulator.shared();
        tables = TemplateTables.load().create(emulator.dynamoDb(), AwsEmulator.uniquePrefix("sweep"),
                "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable", "ClaimsTable");
        DynamoDbClient dynamo = log.client(emulator);
        sqs = emulator.clients().sqs();
        queueUrl = sqs.createQueue(r -> r.queueName(AwsEmulator.uniquePrefix("sweep").replaceAll("[^a-z0-9-]", "") + "-ExemptionSweepWork")).queueUrl();
        exemptions = new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        SweepWorld.seed(exemptions, ledger, EXEMPTIONS);
        rawDynamo = emulator.dynamoDb();
        service = SweepWorld.service(new DynamoMemberStore(dynamo, tables.name("MembersTable")),
                new DynamoDeviceStore(dynamo, tables.name("DevicesTable")), exemptions, ledger, notices, clock);
        handler = SweepWorld.handler(service, new SqsWork(() -> sqs, queueUrl), queueUrl, new DynamoClaims(dynamo, tables.name("ClaimsTable")),
                ledger, clock);
    }

    @AfterEach
    void tearDown() {
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        if (tables != null) tables.close();
    }

    @Test
    void a_sweep_cut_every_few_notices_goes_on_through_the_queue_asks_for_each_due_notice_once_and_reads_exemptions_only_by_the_index() {
        List<String> expected = SweepWorld.expected(allByScanForTheOracleOnly(), ledger, MORNING);
        requests.clear();
        SweepWorld.invoke(handler, SCHEDULE, context("schedule", () -> false));
        int steps = 0;
        int handedOn = 0;
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            for (Message m : batch) {
                assertTrue(steps++ < 100, "the sweep does not end");
                int before = notices.asked.size();
                JsonNode out = SweepWorld.invoke(handler, WorkEvents.sqs(m.messageId(), m.body()), context("step-" + steps,
                        () -> notices.asked.size() - before >= 3));
                JsonNode step = out.path("steps").path(0);
                assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
                if (step.path("handedOn").asBoolean()) handedOn++;
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertEquals(expected, notices.asked.stream().sorted().toList(), "every due notice asked for once");
        assertTrue(handedOn >= expected.size() / 3 - 1, handedOn + " hand-ons in " + steps + " steps");

        String table = tables.name("ExemptionsTable");
        assertEquals(List.of(), requests.stream().filter(r -> r.get("operation").equals("Scan")).toList(), "the sweep scans nothing");
        List<Map<String, String>> exemptionReads = requests.stream().filter(r -> table.equals(r.get("table")))
                .filter(r -> !r.get("operation").equals("UpdateItem")).toList();
        assertTrue(exemptionReads.stream().allMatch(r -> r.get("operation").equals("Query") && DynamoExemptionStore.BY_NOTICE_DUE.equals(r.get("index"))),
                "exemptions are read only through the index of those with a notice due: " + exemptionReads);
        Map<String, Long> byOperation = new TreeMap<>();
        requests.forEach(r -> byOperation.merge(r.get("operation"), 1L, Long::sum));
        System.out.println("[sweep] " + EXEMPTIONS + " exemptions, " + expected.size() + " notices, " + steps + " steps (" + handedOn
                + " handed on), DynamoDB requests " + byOperation);

        // The next day: nothing fell due, so the index hands over nothing and nothing else is read of the exemptions.
        requests.clear();
        notices.asked.clear();
        clock.advance(java.time.Duration.ofDays(1));
        SweepWorld.invoke(handler, SCHEDULE, context("schedule-2", () -> false));
        Message next = receive().get(0);
        JsonNode step = SweepWorld.invoke(handler, WorkEvents.sqs(next.messageId(), next.body()), context("next-day", () -> false)).path("steps").path(0);
        assertEquals("part-done", step.path("status").asText(), step.toString());
        assertEquals(0, step.path("exemptions").asInt());
        assertEquals(List.of(), notices.asked);
        assertEquals(1, requests.stream().filter(r -> table.equals(r.get("table"))).count(), "one Query of the index: " + requests);
    }

    @Test
    void a_replayed_step_and_one_from_another_stage_are_refused_and_recorded_in_the_ledger() {
        SweepWorld.invoke(handler, SCHEDULE, context("schedule", () -> false));
        Message first = receive().get(0);
        SweepWorld.invoke(handler, WorkEvents.sqs(first.messageId(), first.body()), context("w1", () -> false));
        int asked = notices.asked.size();
        JsonNode again = SweepWorld.invoke(handler, WorkEvents.sqs("again", first.body()), context("w2", () -> false));
        assertEquals("replayed", again.path("steps").path(0).path("reason").asText(), again.toString());
        JsonNode other = SweepWorld.invoke(handler, WorkEvents.sqs("other", first.body().replace(queueUrl, queueUrl + "-prod")), context("w3", () -> false));
        assertEquals("other-stage", other.path("steps").path(0).path("reason").asText(), other.toString());
        assertEquals(asked, notices.asked.size());
        assertEquals(List.of("replayed", "other-stage"), SweepWorld.refusals(ledger));
    }

    @Test
    void grants_stored_before_the_index_existed_are_scheduled_by_one_manual_sweep_and_then_swept_daily_as_any_other() {
        String table = tables.name("ExemptionsTable");
        for (org.appban.domain.Exemption e : allByScanForTheOracleOnly()) {
            rawDynamo.updateItem(r -> r.tableName(table).key(Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(e.id())))
                    .updateExpression("REMOVE noticeDue, noticeDueAt"));
        }
        SweepWorld.invoke(handler, SCHEDULE, context("schedule", () -> false));
        Message unseen = receive().get(0);
        SweepWorld.invoke(handler, WorkEvents.sqs(unseen.messageId(), unseen.body()), context("blind", () -> false));
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(unseen.receiptHandle()));
        assertEquals(List.of(), notices.asked, "the daily sweep cannot see grants the index does not hold");

        List<String> dueNow = SweepWorld.expected(allByScanForTheOracleOnly(), ledger, MORNING);
        SweepReport manual = service.sweep(org.appban.domain.Actor.schedule("admin-repair"));
        assertEquals(dueNow, manual.notices().stream().map(n -> n.kind() + " " + n.exemption()).sorted().toList());

        // Three weeks on, the daily sweep (index only) asks for exactly what a sweep of the whole table would.
        notices.asked.clear();
        clock.advance(java.time.Duration.ofDays(21));
        List<String> expected = SweepWorld.expected(allByScanForTheOracleOnly(), ledger, clock.instant());
        assertTrue(!expected.isEmpty(), "the seed has notices falling due in three weeks");
        SweepWorld.invoke(handler, SCHEDULE, context("schedule-21", () -> false));
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            for (Message m : batch) {
                SweepWorld.invoke(handler, WorkEvents.sqs(m.messageId(), m.body()), context(m.messageId(), () -> false));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertEquals(expected, notices.asked.stream().sorted().toList());
    }

    /** The whole table, for what a sweep that read everything would ask (the test's oracle; the sweep never does this). */
    private List<org.appban.domain.Exemption> allByScanForTheOracleOnly() {
        return exemptions.all();
    }

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(60)).messages();
    }
}
