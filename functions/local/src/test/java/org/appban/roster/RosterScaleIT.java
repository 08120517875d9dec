package org.appban.roster;

import org.appban.lambda.roster.RosterImportHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A roster of 50,000 rows on the emulator (issue 23), the way it runs on AWS: the S3 event starts the import,
 * which writes members 25 a BatchWriteItem and stops between steps with a minute of the invocation left; the rest
 * goes to the work queue (SQS) and each message is another invocation, until the file is in. Invocations here are
 * given the function's timeout (template.yaml, 300 s; {@code -Dappban.roster.timeoutSeconds} to change it) as their
 * remaining time. Prints the figures: invocations, wall time, DynamoDB calls by operation.
 */
class RosterScaleIT {
    /** 300 in the build (with a 61 s invocation: one step each, so the continuation runs); 50,000 to measure. */
    private static final int ROWS = Integer.getInteger("appban.roster.rows", 300);
    private static final int TIMEOUT_SECONDS = Integer.getInteger("appban.roster.timeoutSeconds", 61);
    /**
     * {@code dynamo} (the default) or {@code memory}. moto 5.2.5's TransactWriteItems deep-copies the table once per
     * item of the transaction (its rollback), so on moto every ledger append costs time in proportion to the ledger
     * table's size and a 50,000-member import grows quadratically, an artefact of the emulator (DynamoDB's cost per
     * transaction does not grow with the table). {@code memory} keeps the ledger in the JVM to measure the members,
     * S3 and the continuation at full size on the emulator. To measure the DynamoDB ledger at full size, run this
     * against the bench's moto launcher (moto_bench.py, started by hand, named by AWS_ENDPOINT_URL), whose
     * transactions roll back from an undo log of their items and so do not slow down as the ledger grows.
     */
    private static final String LEDGER = System.getProperty("appban.roster.ledger", "dynamo");

    private final AwsEmulator aws = AwsEmulator.shared();
    private final S3Client s3 = aws.clients().s3();
    private final SqsClient sqs = aws.clients().sqs();
    private final String bucket = AwsEmulator.uniquePrefix("roster-scale").toLowerCase() + "bucket";
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private TemplateTables.Created tables;
    private DynamoMemberStore members;
    private org.appban.ports.Ledger ledger;
    private RosterImportHandler handler;
    private String queueUrl;

    @BeforeEach
    void setUp() {
        DynamoDbClient counted = aws.clients().configure(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.builder()
                        .socketTimeout(java.time.Duration.ofMinutes(3)).build()))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(BeforeExecution context, ExecutionAttributes attributes) {
                        calls.computeIfAbsent(context.request().getClass().getSimpleName().replace("Request", ""), k -> new AtomicInteger()).incrementAndGet();
                    }
                })).build();
        tables = TemplateTables.load().create(aws.dynamoDb(), AwsEmulator.uniquePrefix("roster-scale"), "MembersTable", "LedgerTable");
        members = new DynamoMemberStore(counted, tables.name("MembersTable"));
        ledger = LEDGER.equals("memory") ? new org.appban.store.memory.InMemoryLedger() : new DynamoLedger(counted, tables.name("LedgerTable"));
        s3.createBucket(b -> b.bucket(bucket));
        queueUrl = sqs.createQueue(b -> b.queueName(AwsEmulator.uniquePrefix("roster-work") + "q")).queueUrl();
        RosterImport rosterImport = new RosterImport(new RosterParser(), members, ledger, Clock.fixed(Instant.parse("2023-03-16T20:00:00Z"), ZoneOffset.UTC));
        handler = new RosterImportHandler(rosterImport, new S3RosterFiles(s3), new SqsRosterWork(() -> sqs, queueUrl));
    }

    @AfterEach
    void tearDown() {
        tables.close();
    }

    @Test
    void a_roster_of_fifty_thousand_rows_completes_across_invocations() throws Exception {
        StringBuilder csv = new StringBuilder("id,name,email,role\n");
        for (int i = 1; i <= ROWS; i++) csv.append("m").append(i).append(",Member ").append(i).append(",member").append(i).append("@example.org,staff\n");
        s3.putObject(p -> p.bucket(bucket).key("rosters/all.csv"), RequestBody.fromString(csv.toString()));

        long started = System.nanoTime();
        List<String> invocations = new ArrayList<>();
        JsonNode report = invoke(s3Event("rosters/all.csv")).path("imports").get(0);
        invocations.add(line(1, report, started));
        for (int n = 2; n <= RosterContinuation.MAX_STEPS; n++) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) break;
            long at = System.nanoTime();
            String event = Json.write(Json.object().set("Records", Json.array().add(Json.object()
                    .put("eventSource", "aws:sqs").put("messageId", messages.get(0).messageId()).put("body", messages.get(0).body()))));
            report = invoke(event).path("imports").get(0);
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(messages.get(0).receiptHandle()));
            invocations.add(line(n, report, at));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertEquals("imported", report.path("status").asText(), report.toString());
        int stored = members.all().size();
        assertEquals(ROWS, stored);
        ChainVerifier verifier = new ChainVerifier();
        for (int i = 1; i <= ROWS; i += ROWS / 50) {
            List<org.appban.domain.LedgerEntry> chain = ledger.chain("member#m" + i);
            assertEquals(1, chain.size(), "m" + i);
            assertTrue(verifier.verify("member#m" + i, chain).intact());
        }
        System.out.println("[appban] roster import at scale on " + aws.kind().name().toLowerCase() + " (ledger: " + LEDGER + "): " + ROWS + " rows, "
                + invocations.size() + " invocation(s) of at most " + TIMEOUT_SECONDS + " s, " + String.format("%.1f", seconds) + " s in all ("
                + String.format("%.0f", ROWS / seconds) + " rows/s)");
        invocations.forEach(l -> System.out.println("[appban]   " + l));
        Map<String, Integer> byOperation = new TreeMap<>();
        calls.forEach((k, v) -> byOperation.put(k, v.get()));
        System.out.println("[appban]   DynamoDB calls: " + byOperation + " = " + byOperation.values().stream().mapToInt(Integer::intValue).sum()
                + " (" + String.format("%.2f", byOperation.values().stream().mapToInt(Integer::intValue).sum() / (double) ROWS) + " a row)");

        // The same file again: nothing to write, one Scan and the ledger untouched.
        calls.clear();
        JsonNode again = invoke(s3Event("rosters/all.csv")).path("imports").get(0);
        assertEquals(ROWS, again.path("unchanged").asInt(), again.toString().substring(0, 200));
        System.out.println("[appban]   again: " + again.path("unchanged").asInt() + " unchanged, DynamoDB calls " + calls);
    }

    @Test
    void a_roster_deleted_before_its_import_is_a_clear_error_and_the_invocation_fails() {
        RosterImportHandler.RosterRefused e = assertThrows(RosterImportHandler.RosterRefused.class, () -> invoke(s3Event("rosters/deleted.csv")));
        assertEquals("roster import rejected: " + bucket + "/rosters/deleted.csv: no such object: it was deleted or renamed after the upload"
                + " that triggered this import; upload the roster again", e.getMessage());
        assertEquals(0, members.all().size());
    }

    private String line(int n, JsonNode r, long startedNanos) {
        return "invocation " + n + ": " + r.path("status").asText() + ", " + r.path("created").size() + " added, "
                + r.path("remaining").asInt() + " left, " + String.format("%.1f", (System.nanoTime() - startedNanos) / 1e9) + " s";
    }

    private JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The remaining time runs down from the function's timeout, as Lambda's does.
        Clock clock = Clock.systemUTC();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                TestContext.of("scale").withLog(s -> { }).withDeadline(clock.instant().plusSeconds(TIMEOUT_SECONDS), clock));
        return Json.parse(out.toByteArray());
    }

    private String s3Event(String key) {
        return "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":\"" + bucket + "\"},\"object\":{\"key\":\"" + key + "\"}}}]}";
    }
}
