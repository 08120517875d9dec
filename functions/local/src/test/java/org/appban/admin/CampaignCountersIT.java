package org.appban.admin;

import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.appban.domain.Actor;
import org.appban.domain.CampaignTally;
import org.appban.domain.LedgerRecord;
import org.appban.report.S3Reports;
import org.appban.safety.SsmKillSwitch;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.DynamoRequestLog;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The campaign's counters on the emulator: kept by DynamoLedger in each entry's own transaction (template.yaml's
 * ledger table), read by the status request as one BatchGetItem, and reconciled with the ledger by tally.check.
 * Every DynamoDB and S3 request the code makes is recorded as it leaves the client ({@link DynamoRequestLog}, as
 * AccessRoundIT does), so the tests see what the status request reads.
 */
class CampaignCountersIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    /** Every DynamoDB and S3 request the code makes (S3's by their own names: PutObject, ...). */
    private final DynamoRequestLog log = new DynamoRequestLog();
    private final List<Map<String, String>> requests = log.requests();
    private final String bucket = AwsEmulator.uniquePrefix("counters") + "bucket";
    private TemplateTables.Created tables;
    private DynamoDbClient dynamo;
    private DynamoLedger ledger;
    private AdminWorld world;

    @BeforeEach
    void setUp() {
        tables = TemplateTables.load().create(aws.dynamoDb(), AwsEmulator.uniquePrefix("counters"),
                "MembersTable", "DevicesTable", "ExemptionsTable", "LedgerTable");
        dynamo = log.client(aws);
        S3Client s3 = aws.clients().configure(S3Client.builder()).forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(log)).build();
        s3.createBucket(b -> b.bucket(bucket));
        String parameter = "/" + AwsEmulator.uniquePrefix("appban") + "kill-switch";
        aws.clients().ssm().putParameter(p -> p.name(parameter).type(ParameterType.STRING).value("{\"engaged\": false}"));
        ledger = new DynamoLedger(dynamo, tables.name("LedgerTable"));
        world = new AdminWorld(new DynamoMemberStore(dynamo, tables.name("MembersTable")), new DynamoDeviceStore(dynamo, tables.name("DevicesTable")),
                new DynamoExemptionStore(dynamo, tables.name("ExemptionsTable")), ledger, new SsmKillSwitch(aws.clients().ssm(), parameter),
                new S3Reports(s3, bucket)).seed();
        requests.clear();
    }

    @AfterEach
    void tearDown() {
        if (tables != null) tables.close();
    }

    private JsonNode done(String request) {
        JsonNode report = world.invoke(request, MANAGER);
        assertEquals("done", report.path("status").asText(), report.toPrettyString());
        return report.path("result");
    }

    private List<String> calls() {
        return requests.stream().map(r -> r.get("operation") + (r.containsKey("index") ? " " + r.get("index") : "")).toList();
    }

    @Test
    void a_status_request_reads_the_counters_in_one_request_scans_nothing_and_agrees_with_the_full_report() {
        JsonNode counted = done("{\"operation\":\"status\"}").path("counters");
        List<String> status = calls();
        requests.clear();
        JsonNode full = done("{\"operation\":\"status\",\"export\":true}");
        List<String> export = calls();
        System.out.println("AWS calls per status request: " + status.size() + " " + status + "; with export (the full report, the "
                + "request as it was before the counters): " + export.size() + " " + export);

        // The counters (one BatchGetItem), then the call's own record in the fleet chain (its tail, its key's marker, the write).
        assertEquals(List.of("BatchGetItem", "Query", "GetItem", "TransactWriteItems"), status, requests.toString());
        assertEquals(full.path("totals").path("noticesSent").asLong(), counted.path("counted").path("noticesSent").asLong(), counted.toString());
        assertEquals("unchecked", counted.path("state").asText());
        assertTrue(export.stream().filter(c -> c.startsWith("Scan")).count() >= 3, "the full report reads the roster, inventory and exemptions: " + export);
    }

    @Test
    void a_notice_appended_again_by_a_retry_and_at_once_by_two_containers_counts_once() throws Exception {
        long before = ledger.tally().orElseThrow().get(CampaignTally.NOTICES);
        LedgerRecord sent = new LedgerRecord(Instant.parse("2023-03-20T09:00:00Z"), Actor.schedule("notify-daily"), "m-003", null, "notice.sent", "ok",
                false, "notice/it/m-003/final-warning/sent", Map.of("stage", "final-warning", "kind", "final-warning"));
        // Two containers (each its own client and ledger), each redelivered the same message, racing on the same key.
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> written = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            DynamoLedger container = new DynamoLedger(aws.clients().configure(DynamoDbClient.builder()).build(), tables.name("LedgerTable"));
            written.add(pool.submit(() -> {
                start.await();
                return container.append(sent).written();
            }));
        }
        start.countDown();
        int wrote = 0;
        for (Future<Boolean> w : written) wrote += w.get() ? 1 : 0;
        pool.shutdown();
        ledger.append(sent); // and the platform's retry after all of them
        assertEquals(1, wrote, "one writer recorded the notice");
        CampaignTally after = ledger.tally().orElseThrow();
        assertEquals(before + 1, after.get(CampaignTally.NOTICES), "counted once, not " + (writers + 1) + " times");
        assertEquals(1, after.get("notices.stage.final-warning"));
    }

    @Test
    void concurrent_appends_on_many_chains_each_count_exactly_once_across_the_shards() throws Exception {
        long before = ledger.tally().orElseThrow().get(CampaignTally.QUARANTINED);
        int devices = 24;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            int n = i;
            done.add(pool.submit(() -> ledger.append(new LedgerRecord(Instant.parse("2023-03-20T09:00:00Z"), Actor.schedule("network-access"),
                    "m-" + (n % 8), "d-" + n, "nac.quarantined", "ok", false, "nac/quarantine/d-" + n, Map.of()))));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        assertEquals(before + devices, ledger.tally().orElseThrow().get(CampaignTally.QUARANTINED));
    }

    @Test
    void a_ledger_older_than_its_counters_is_found_drifted_repaired_and_then_shown_as_checked() {
        // An entry written as it was before the counters were kept: the item and its key's marker, no count.
        String table = tables.name("LedgerTable");
        Map<String, AttributeValue> older = new java.util.HashMap<>(dynamo.query(q -> q.tableName(table).keyConditionExpression("#c = :c")
                .expressionAttributeNames(Map.of("#c", "chain")).expressionAttributeValues(Map.of(":c", AttributeValue.fromS("member#m-001")))).items().get(0));
        ledger.correctTally(Map.of("notices", -1L, "notices.stage.announcement", -1L, "notices.kind.announcement", -1L), null);
        assertEquals("notice.sent", older.get("action").s());
        requests.clear();

        JsonNode found = done("{\"operation\":\"tally.check\"}");
        assertEquals("drifted", found.path("result").asText(), found.toString());
        assertEquals(1, found.path("drift").path("notices").asLong());
        assertTrue(requests.stream().noneMatch(r -> r.get("operation").equals("Scan") && !"chainHeads".equals(r.get("index"))),
                "the check lists the chains from their heads' index and reads each by key, never a Scan of the table: " + calls());

        assertEquals("repaired", done("{\"operation\":\"tally.check\",\"repair\":true}").path("result").asText());
        assertEquals("agrees", done("{\"operation\":\"tally.check\"}").path("result").asText());
        JsonNode status = done("{\"operation\":\"status\"}").path("counters");
        assertEquals("checked", status.path("state").asText(), status.toString());
        assertEquals(2, status.path("counted").path("noticesSent").asLong(), status.toString());
    }
}
