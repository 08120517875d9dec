package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.NotifyRoundWorld.SCHEDULE;
import static org.appban.notice.NotifyRoundWorld.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.mail.Mailer;
import org.appban.mail.SesMailer;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.DynamoRequestLog;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
import org.appban.work.Continuation;
import org.appban.work.ContinuationJson;
import org.appban.work.SqsWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The daily round on the emulator over real connections: tables from template.yaml, the work queue a real SQS queue,
 * notices through SES. Every DynamoDB request the function's client makes is recorded as it leaves the client (an
 * SDK execution interceptor, as TemplateContractIT records IAM actions), so the test sees what the round read.
 */
class NotifyRoundIT {
    private static final int ACTIVE = 30;

    private final TestClock clock = new TestClock(nz("2023-03-17T09:00"));
    private final String token = AwsEmulator.uniquePrefix("round").replaceAll("[^a-z0-9]", "");
    /** Each DynamoDB request: operation, table, index, and a Scan's segment and limit. */
    private final DynamoRequestLog log = new DynamoRequestLog();
    private final List<Map<String, String>> requests = log.requests();
    private final List<String> mailed = new CopyOnWriteArrayList<>();
    private TemplateTables.Created tables;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private String queueUrl;
    private DynamoMemberStore members;
    private DynamoLedger ledger;
    private NotifyMembersHandler handler;

    @BeforeEach
    void deploy() {
        AwsEmulator emulator = AwsEmulator.shared();
        tables = TemplateTables.load().create(emulator.dynamoDb(), AwsEmulator.uniquePrefix("round"),
                "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable", "ClaimsTable");
        dynamo = log.client(emulator);
        sqs = emulator.clients().sqs();
        queueUrl = sqs.createQueue(r -> r.queueName("appban-it-" + token + "-NotifyWork")).queueUrl();
        members = new DynamoMemberStore(dynamo, tables.name("MembersTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        NotifyRoundWorld.Stores stores = new NotifyRoundWorld.Stores(members, new DynamoDeviceStore(dynamo, tables.name("DevicesTable")),
                new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable")), new DynamoClaims(dynamo, tables.name("ClaimsTable")), ledger);

        var ses = emulator.clients().sesV2();
        ses.createEmailIdentity(r -> r.emailIdentity(POLICY.sender().address()));
        SesMailer sesMailer = new SesMailer(ses, null);
        Mailer mailer = mail -> {
            String id = sesMailer.send(mail);
            mailed.add(mail.recipient().value());
            return id;
        };

        NotifyRoundWorld.populate(stores, ACTIVE, "-" + token);
        // History that the round must not read: a long chain of a member who left years ago.
        for (int i = 0; i < 40; i++) {
            ledger.append(new LedgerRecord(nz("2022-01-01T09:00").plusSeconds(i), Actor.schedule("old"), "m-old", null, "notice.sent", "ok",
                    false, "old/" + i, Map.of()));
        }
        handler = NotifyRoundWorld.handler(stores, mailer, clock, NoticeSender.DEFAULT_LEASE, new SqsWork(() -> sqs, queueUrl), queueUrl, 3);
        requests.clear();
    }

    @AfterEach
    void tearDown() {
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        if (tables != null) tables.close();
    }

    @Test
    void a_round_cut_every_few_notices_goes_on_through_the_queue_mails_each_member_once_and_scans_nothing_but_its_roster_pages() {
        invoke(SCHEDULE, context("schedule", () -> false));
        int steps = 0;
        int handedOn = 0;
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            for (Message m : batch) {
                assertTrue(steps++ < 200, "the round does not end");
                int before = mailed.size();
                JsonNode out = invoke(sqsEvent(m), context("step-" + steps, () -> mailed.size() - before >= 4));
                JsonNode step = out.path("steps").path(0);
                assertTrue(List.of("part-done", "handed-on").contains(step.path("status").asText()), out.toString());
                if (step.path("handedOn").asBoolean()) handedOn++;
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertEquals(ACTIVE, mailed.size(), mailed.toString());
        assertEquals(ACTIVE, mailed.stream().distinct().count(), "a member mailed twice: " + mailed);
        assertTrue(handedOn >= ACTIVE / 4 - 3, "parts longer than an invocation are handed on: " + handedOn + " hand-ons in " + steps + " steps");

        List<Map<String, String>> scans = requests.stream().filter(r -> r.get("operation").equals("Scan")).toList();
        String roster = tables.name("MembersTable");
        List<Map<String, String>> others = scans.stream().filter(r -> !roster.equals(r.get("table")) || r.containsKey("index")).toList();
        assertEquals(List.of(), others, "a daily round scans no table but its roster");
        for (Map<String, String> s : scans) {
            assertTrue(!s.get("segment").equals("null") && s.get("limit").equals(String.valueOf(NotifyMembers.PAGE)),
                    "every read of the roster is one page of one part: " + s);
        }
        // A page a step at most, plus the page that shows a part is over: the roster is read about once.
        assertTrue(scans.size() <= steps + 3, scans.size() + " roster pages for " + steps + " steps");
        Map<String, Long> byOperation = new TreeMap<>();
        requests.forEach(r -> byOperation.merge(r.get("operation"), 1L, Long::sum));
        System.out.println("[round] " + ACTIVE + " members, " + steps + " steps (" + handedOn + " handed on), DynamoDB requests "
                + byOperation + " = " + String.format(java.util.Locale.ROOT, "%.1f", requests.size() / (double) ACTIVE) + " a member");
    }

    @Test
    void a_replayed_step_is_refused_and_recorded_in_the_ledger() {
        invoke(SCHEDULE, context("schedule", () -> false));
        Message first = receive().get(0);
        invoke(sqsEvent(first), context("w1", () -> false));
        int sent = mailed.size();
        JsonNode again = invoke(sqsEvent(first), context("w2", () -> false));
        assertEquals("replayed", again.path("steps").path(0).path("reason").asText(), again.toString());
        assertEquals(sent, mailed.size());
        assertEquals(List.of("replayed"), NotifyRoundWorld.refusals(ledger));
    }

    @Test
    void a_cursor_at_a_member_since_deleted_resumes_at_the_next_one_in_the_parts_order() {
        List<String> order = members.page(0, 1, null, 1000).members().stream().map(Member::id).toList();
        String gone = order.get(10);
        dynamo.deleteItem(r -> r.tableName(tables.name("MembersTable"))
                .key(Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(gone))));
        String body = ContinuationJson.toJson(new Continuation(NoticeRound.KIND, queueUrl, "notify-daily/2023-03-16", 0, 1, 2, gone));
        JsonNode out = invoke(sqsEvent("cursor-1", body), context("w", () -> false));
        assertEquals("part-done", out.path("steps").path(0).path("status").asText(), out.toString());
        List<String> expected = order.subList(11, order.size()).stream().filter(id -> !NotifyRoundWorld.NOT_MAILED.contains(id))
                .map(id -> NotifyRoundWorld.address(id, "-" + token)).sorted().toList();
        assertEquals(expected, mailed.stream().sorted().toList());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(60)).messages();
    }

    private static String sqsEvent(Message m) {
        return NotifyRoundWorld.sqs(m.messageId(), m.body());
    }

    private static String sqsEvent(String messageId, String body) {
        return NotifyRoundWorld.sqs(messageId, body);
    }

    private JsonNode invoke(String event, Context context) {
        return NotifyRoundWorld.invoke(handler, event, context);
    }
}
