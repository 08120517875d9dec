package org.appban.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appban.admin.LedgerAudit;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.report.InMemoryReports;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.appban.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The anchored ledger against the emulator: the ledger table from template.yaml in DynamoDB, digests in an S3 bucket
 * created as the template creates it (Object Lock on at creation, compliance-mode default retention). Moto 5.2.5
 * implements the parts used here: a bucket created with Object Lock, its default retention applied to each new
 * version, PutObject with If-None-Match, and a locked version refused to DeleteObject. It does not evaluate bucket
 * policies, so the deny statements are checked in the template (LedgerDigestTemplateTest), not here.
 */
class LedgerDigestIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    private final DynamoDbClient dynamo = aws.dynamoDb();
    private final S3Client s3 = aws.clients().s3();
    private final String bucket = AwsEmulator.uniquePrefix("digests") + "bucket";
    private final TestClock clock = new TestClock(Instant.parse("2023-03-16T19:00:00Z"));
    private TemplateTables.Created tables;
    private String table;
    private DynamoLedger ledger;
    private S3DigestStore store;

    @BeforeEach
    void setUp() {
        tables = TemplateTables.load().create(dynamo, AwsEmulator.uniquePrefix("anchor"), "LedgerTable");
        table = tables.name("LedgerTable");
        ledger = new DynamoLedger(dynamo, table);
        s3.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
        s3.putObjectLockConfiguration(r -> r.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                .rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(1)))));
        store = new S3DigestStore(() -> s3, bucket);
    }

    @AfterEach
    void tearDown() {
        tables.close();
    }

    private void day(int n) {
        for (String m : List.of("m01", "m02", "m03")) {
            ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("notify-daily"), m, null, "notice.sent", "ok", false,
                    "notice/" + m + "/" + n, Map.of("stage", "s" + n)));
        }
        clock.advance(Duration.ofHours(1));
    }

    private LedgerAnchor.Outcome anchor() {
        return new LedgerAnchor(ledger, store, LedgerDigestJson.JSON, table, clock).anchor();
    }

    private LedgerAudit.Verification verify() {
        return new LedgerAudit(ledger, new InMemoryReports(), new LedgerJson(), new LedgerAudit.Anchoring(store, table, LedgerDigestJson.JSON)).verify(null, clock.instant());
    }

    /** Deletes a chain's items, as an administrator with write access to the table can. */
    private void deleteChain(String chain) {
        for (LedgerEntry e : ledger.chain(chain)) {
            dynamo.deleteItem(r -> r.tableName(table).key(Map.of("chain", AttributeValue.fromS(chain), "seq", AttributeValue.fromN(Long.toString(e.seq())))));
            if (e.record().idempotencyKey() != null) {
                dynamo.deleteItem(r -> r.tableName(table).key(Map.of("chain", AttributeValue.fromS("idempotency#" + e.record().idempotencyKey()),
                        "seq", AttributeValue.fromN("0"))));
            }
        }
    }

    @Test
    void each_digest_is_locked_in_compliance_mode_and_can_be_neither_replaced_nor_deleted() {
        day(1);
        LedgerAnchor.Outcome first = anchor();
        assertEquals("written", first.result());
        assertEquals(3, first.chains());
        HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(first.key()));
        assertEquals(ObjectLockMode.COMPLIANCE, head.objectLockMode(), "the bucket's default retention applies to each digest");
        assertTrue(head.objectLockRetainUntilDate().isAfter(Instant.now().plus(Duration.ofHours(23))), head.objectLockRetainUntilDate().toString());

        assertFalse(store.create(first.key(), "forged".getBytes(StandardCharsets.UTF_8)), "If-None-Match: an existing key is refused");
        assertEquals(first.number(), LedgerDigestJson.parse(store.newest().orElseThrow().bytes()).number());
        S3Exception refused = assertThrows(S3Exception.class,
                () -> s3.deleteObject(r -> r.bucket(bucket).key(first.key()).versionId(head.versionId())));
        assertEquals(403, refused.statusCode(), "a locked version cannot be deleted");

        day(2);
        LedgerAnchor.Outcome second = anchor();
        assertEquals(2, second.number());
        assertEquals(first.key(), LedgerDigestJson.parse(store.newest().orElseThrow().bytes()).previous().key());
        LedgerAudit.Verification v = verify();
        assertTrue(v.intact(), v.toString());
        assertEquals(2, v.digests().digests());
    }

    @Test
    void a_chain_rewritten_in_the_table_with_recomputed_hashes_and_a_deleted_chain_are_found() {
        day(1);
        anchor();
        day(2);
        anchor();
        // Rewrite member m02's chain: delete it and append its records again, one changed; DynamoLedger hashes them anew.
        List<LedgerEntry> original = ledger.chain("member#m02");
        deleteChain("member#m02");
        for (LedgerEntry e : original) {
            LedgerRecord r = e.record();
            ledger.append(new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), e.seq() == 1 ? "bounced" : r.outcome(),
                    r.dryRun(), r.idempotencyKey(), r.details()));
        }
        deleteChain("member#m03");
        LedgerAudit.Verification v = verify();
        assertTrue(v.breaks().isEmpty(), "each chain left in the table verifies on its own: " + v.breaks());
        assertFalse(v.intact());
        assertEquals(List.of(
                        "rewritten: chain member#m02 entry 1 does not have the hash " + LedgerDigest.key(1) + " anchored: history was rewritten after"
                                + " entry 0 (from the start) and at or before entry 1",
                        "deleted-chain: chain member#m03 is not in the ledger, but " + LedgerDigest.key(2) + " anchored it at entry 2: the chain was deleted"),
                v.digests().problems());

        LedgerAnchor.Outcome next = anchor();
        assertEquals(List.of("chain member#m02 entry 2 has another hash than in digest 2", "chain member#m03 (entry 2 in digest 2) is gone"),
                next.anomalies(), "the next anchor run sees it too, and its function fails to raise the alarm");
    }

    /** Counts the S3 requests a client makes and the digest bytes it gets. */
    private static final class S3Requests implements ExecutionInterceptor {
        final Map<String, Integer> requests = new java.util.TreeMap<>();
        long bytesGot;

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            requests.merge(operation, 1, Integer::sum);
            if (context.response() instanceof GetObjectResponse r) bytesGot += r.contentLength();
        }
    }

    private S3Client counted(S3Requests counter) {
        return S3Client.builder().endpointOverride(aws.endpoint()).region(aws.region()).credentialsProvider(aws.credentials())
                .forcePathStyle(true).overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
    }

    @Test
    void between_checkpoints_digests_are_incremental_and_a_check_gets_only_the_latest_checkpoint_and_what_followed() {
        for (int h = 0; h < 26; h++) {
            ledger.append(new LedgerRecord(clock.instant(), Actor.schedule("inventory-sync"), "m0" + (1 + h % 3), null, "device.seen", "ok", false,
                    "seen/" + h, Map.of()));
            clock.advance(Duration.ofHours(1));
            LedgerAnchor.Outcome o = anchor();
            assertEquals(h == 0 || h == 23 ? "full" : "incremental", o.kind(), "digest " + o.number());
        }
        S3Requests fromCheckpoint = new S3Requests();
        try (S3Client client = counted(fromCheckpoint)) {
            LedgerAudit.Verification v = new LedgerAudit(ledger, new InMemoryReports(), new LedgerJson(), new LedgerAudit.Anchoring(new S3DigestStore(() -> client, bucket), table, LedgerDigestJson.JSON))
                    .verify(null, clock.instant());
            assertTrue(v.intact(), v.toString());
            assertEquals("from the latest checkpoint, " + LedgerDigest.key(24), v.digests().from());
            assertEquals(3, v.digests().digests());
        }
        assertEquals(Map.of("GetObject", 4, "ListObjectsV2", 2), fromCheckpoint.requests, "the newest, then the checkpoint 24 and 25, 26");
        S3Requests everything = new S3Requests();
        try (S3Client client = counted(everything)) {
            LedgerAudit.Verification v = new LedgerAudit(ledger, new InMemoryReports(), new LedgerJson(), new LedgerAudit.Anchoring(new S3DigestStore(() -> client, bucket), table, LedgerDigestJson.JSON))
                    .verify(null, "start", clock.instant());
            assertTrue(v.intact(), v.toString());
            assertEquals(26, v.digests().digests());
        }
        assertEquals(26, everything.requests.get("GetObject"));
        assertTrue(everything.bytesGot > 3 * fromCheckpoint.bytesGot, everything.bytesGot + " bytes against " + fromCheckpoint.bytesGot);

        // An entry below the checkpoint rewritten in the table, hashes recomputed: the checkpoint's head no longer matches.
        List<LedgerEntry> original = ledger.chain("member#m01");
        deleteChain("member#m01");
        for (LedgerEntry e : original) {
            LedgerRecord r = e.record();
            ledger.append(new LedgerRecord(r.at(), r.actor(), r.member(), r.device(), r.action(), e.seq() == 1 ? "failed" : r.outcome(),
                    r.dryRun(), r.idempotencyKey(), r.details()));
        }
        LedgerAudit.Verification v = verify();
        assertEquals(List.of("rewritten: chain member#m01 entry 8 does not have the hash " + LedgerDigest.key(24) + " anchored: history was rewritten"
                + " after entry 0 (from the start) and at or before entry 8"), v.digests().problems());
    }
}
