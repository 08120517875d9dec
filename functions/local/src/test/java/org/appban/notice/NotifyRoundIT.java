package org.appban.notice;

import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.lambda.notice.NotifyMembersHandler;
import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;
import static org.appban.notice.Fixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.json.Json;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutgoingMail;
import org.appban.mail.SesMailer;
import org.appban.mail.Mailer;
import org.appban.store.dynamo.DynamoClaims;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
import org.appban.work.Continuation;
import org.appban.work.ContinuationGate;
import org.appban.work.SqsWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
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
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
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
        dynamo = emulator.clients().configure(DynamoDbClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context, ExecutionAttributes attributes) {
                        Map<String, String> r = new TreeMap<>();
                        r.put("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                        context.request().getValueForField("TableName", String.class).ifPresent(t -> r.put("table", t));
                        context.request().getValueForField("IndexName", String.class).ifPresent(i -> r.put("index", i));
                        if (context.request() instanceof ScanRequest s) {
                            r.put("segment", String.valueOf(s.segment()));
                            r.put("limit", String.valueOf(s.limit()));
                        }
                        requests.add(r);
                    }
                })).build();
        sqs = emulator.clients().sqs();
        queueUrl = sqs.createQueue(r -> r.queueName("appban-it-" + token + "-NotifyWork")).queueUrl();
        members = new DynamoMemberStore(dynamo, tables.name("MembersTable"));
        DynamoDeviceStore devices = new DynamoDeviceStore(dynamo, tables.name("DevicesTable"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        DynamoClaims claims = new DynamoClaims(dynamo, tables.name("ClaimsTable"));

        var ses = emulator.clients().sesV2();
        ses.createEmailIdentity(r -> r.emailIdentity(POLICY.sender().address()));
        SesMailer sesMailer = new SesMailer(ses, null);
        Mailer mailer = mail -> {
            String id = sesMailer.send(mail);
            mailed.add(mail.recipient().value());
            return id;
        };

        List<Member> roster = new ArrayList<>();
        for (int i = 0; i < ACTIVE; i++) roster.add(Member.active(String.format("m-%03d", i), "Member " + i, "m" + i + "-" + token + "@example.org", Role.STAFF));
        roster.add(Member.active("m-900", "Left Last Year", "left-" + token + "@example.org", Role.STAFF).deactivated());
        members.saveAll(roster);
        devices.save(corporate("d-101", "m-001", Platform.IOS, "iPhone 14", AppPresence.PRESENT));
        // History that the round must not read: a long chain of a member who left years ago.
        for (int i = 0; i < 40; i++) {
            ledger.append(new LedgerRecord(nz("2022-01-01T09:00").plusSeconds(i), Actor.schedule("old"), "m-old", null, "notice.sent", "ok",
                    false, "old/" + i, Map.of()));
        }

        NoticeComposer composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none());
        NotifyMembers notify = new NotifyMembers(POLICY, members, devices, new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable")),
                claims, ledger, Attestations.fromLedger(ledger), new NoticePlanner(POLICY), composer,
                new NoticeSender(claims, ledger, mailer, clock, NoticeSender.DEFAULT_LEASE,
                        org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock);
        ContinuationGate gate = new ContinuationGate(NotifyMembersHandler.Rounds.KIND, queueUrl, claims, ledger, clock);
        handler = new NotifyMembersHandler(notify, null, null, new NotifyMembersHandler.Rounds(new SqsWork(() -> sqs, queueUrl), gate, 3, clock));
        requests.clear();
    }

    @AfterEach
    void tearDown() {
        if (queueUrl != null) sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        if (tables != null) tables.close();
    }

    @Test
    void a_round_cut_every_few_notices_goes_on_through_the_queue_mails_each_member_once_and_scans_nothing_but_its_roster_pages() {
        invoke(Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily")), context("schedule", () -> false));
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
        invoke(Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily")), context("schedule", () -> false));
        Message first = receive().get(0);
        invoke(sqsEvent(first), context("w1", () -> false));
        int sent = mailed.size();
        JsonNode again = invoke(sqsEvent(first), context("w2", () -> false));
        assertEquals("replayed", again.path("steps").path(0).path("reason").asText(), again.toString());
        assertEquals(sent, mailed.size());
        assertEquals(1, ledger.chain("fleet").stream().filter(e -> e.record().action().equals(ContinuationGate.REFUSED)).count());
    }

    @Test
    void a_cursor_at_a_member_since_deleted_resumes_at_the_next_one_in_the_parts_order() {
        List<String> order = members.page(0, 1, null, 1000).members().stream().map(Member::id).toList();
        String gone = order.get(10);
        dynamo.deleteItem(r -> r.tableName(tables.name("MembersTable"))
                .key(Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(gone))));
        String body = new Continuation(NotifyMembersHandler.Rounds.KIND, queueUrl, "notify-daily/2023-03-16", 0, 1, 2, gone).toJson();
        JsonNode out = invoke(sqsEvent("cursor-1", body), context("w", () -> false));
        assertEquals("part-done", out.path("steps").path(0).path("status").asText(), out.toString());
        List<String> expected = order.subList(11, order.size()).stream().filter(id -> !id.equals("m-900"))
                .map(id -> "m" + Integer.parseInt(id.substring(2)) + "-" + token + "@example.org").sorted().toList();
        assertEquals(expected, mailed.stream().sorted().toList());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(60)).messages();
    }

    private static String sqsEvent(Message m) {
        return sqsEvent(m.messageId(), m.body());
    }

    private static String sqsEvent(String messageId, String body) {
        Map<String, Object> record = new TreeMap<>();
        record.put("messageId", messageId);
        record.put("eventSource", "aws:sqs");
        record.put("body", body);
        return Json.write(Map.of("Records", List.of(record)));
    }

    private JsonNode invoke(String event, Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
            return Json.parse(out.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A 15-minute invocation whose time is up (1 ms left) once {@code outOfTime} says so. */
    private static Context context(String requestId, BooleanSupplier outOfTime) {
        return new Context() {
            public String getAwsRequestId() { return requestId; }
            public String getLogGroupName() { return "test"; }
            public String getLogStreamName() { return "test"; }
            public String getFunctionName() { return "notify-members"; }
            public String getFunctionVersion() { return "1"; }
            public String getInvokedFunctionArn() { return "arn:aws:lambda:ap-southeast-2:111122223333:function:notify-members"; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return outOfTime.getAsBoolean() ? 1 : 900_000; }
            public int getMemoryLimitInMB() { return 1024; }
            public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    public void log(String message) { }
                    public void log(byte[] message) { }
                };
            }
        };
    }
}
