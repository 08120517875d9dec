package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.appban.deploy.SamTemplate.Function;
import org.appban.deploy.SamTemplate.Grant;
import org.junit.jupiter.api.Test;

/**
 * What template.yaml must say so that the ledger's anchored digests cannot be changed or removed, by a function or
 * by an administrator: Object Lock in compliance mode with the retention from a parameter, a bucket policy that
 * denies every way around it, and no function that may write a digest but the one that anchors.
 */
class LedgerDigestTemplateTest {
    private final SamTemplate template = SamTemplate.load();
    private final JsonNode resources = template.resources();
    private final JsonNode bucket = resources.path("LedgerDigestBucket");

    @Test
    void the_digest_bucket_locks_every_digest_in_compliance_mode_for_the_parameters_retention() {
        assertEquals("AWS::S3::Bucket", bucket.path("Type").asText());
        assertEquals("Retain", bucket.path("DeletionPolicy").asText());
        JsonNode p = bucket.path("Properties");
        assertTrue(p.path("ObjectLockEnabled").asBoolean(), "Object Lock can only be turned on when the bucket is created");
        assertEquals("Enabled", p.path("ObjectLockConfiguration").path("ObjectLockEnabled").asText());
        JsonNode retention = p.path("ObjectLockConfiguration").path("Rule").path("DefaultRetention");
        assertEquals("COMPLIANCE", retention.path("Mode").asText(), "governance mode can be bypassed by a privileged user");
        assertEquals("LedgerDigestRetentionDays", retention.path("Days").path("Ref").asText());
        JsonNode parameter = template.root().path("Parameters").path("LedgerDigestRetentionDays");
        assertEquals("Number", parameter.path("Type").asText());
        assertTrue(parameter.path("Default").asInt() >= 365 * 7, "a default retention of at least seven years");
        assertEquals("Enabled", p.path("VersioningConfiguration").path("Status").asText());
        assertTrue(p.path("PublicAccessBlockConfiguration").path("RestrictPublicBuckets").asBoolean());
    }

    @Test
    void the_bucket_policy_denies_deleting_overwriting_and_loosening_to_everyone() {
        JsonNode policy = resources.path("LedgerDigestBucketPolicy");
        assertEquals("LedgerDigestBucket", policy.path("Properties").path("Bucket").path("Ref").asText());
        Set<String> deniedToAll = new TreeSet<>();
        JsonNode overwrite = null;
        for (JsonNode s : policy.path("Properties").path("PolicyDocument").path("Statement")) {
            if (!"Deny".equals(s.path("Effect").asText()) || !"*".equals(s.path("Principal").asText())) continue;
            if (s.path("Sid").asText().equals("DenyOverwritingDigests")) {
                overwrite = s;
                continue;
            }
            if (s.has("Condition")) continue;
            for (JsonNode a : s.path("Action").isArray() ? s.path("Action") : List.of(s.path("Action"))) deniedToAll.add(a.asText());
        }
        assertTrue(deniedToAll.containsAll(Set.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention",
                "s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration")), deniedToAll.toString());
        assertTrue(overwrite != null, "a statement denying unconditional PutObject");
        assertEquals("s3:PutObject", overwrite.path("Action").asText());
        assertEquals("true", overwrite.path("Condition").path("Null").path("s3:if-none-match").asText(),
                "every write must be If-None-Match: *, so an existing digest is never replaced by a newer version");
    }

    @Test
    void only_the_ledger_digest_function_adds_digests_and_no_function_may_delete_one() {
        for (Function f : template.functions()) {
            for (Grant g : f.grants()) {
                if (!g.resource().startsWith("LedgerDigestBucket")) continue;
                assertFalse(g.action().startsWith("s3:Delete") || g.action().equals("s3:PutObjectRetention")
                        || g.action().equals("s3:BypassGovernanceRetention") || g.action().startsWith("s3:PutBucket")
                        || g.action().equals("s3:PutLifecycleConfiguration"), f.logicalId() + ": " + g);
                if (g.action().equals("s3:PutObject")) assertEquals("LedgerDigestFunction", f.logicalId(), "only the anchor writes digests: " + g);
            }
        }
        Function anchor = template.function("LedgerDigestFunction");
        assertTrue(anchor.grants().contains(new Grant("s3:PutObject", "LedgerDigestBucket/*")));
        assertEquals("2", anchor.properties().path("ReservedConcurrentExecutions").asText(),
                "the stream's one shard and the hourly run, so neither throttles the other (racing anchors are safe)");
        assertTrue(template.function("AdminFunction").grants().contains(new Grant("s3:GetObject", "LedgerDigestBucket/*")),
                "ledger.verify and ledger.export read the digests");
    }

    @Test
    void an_anchor_falling_behind_the_ledgers_stream_raises_an_alarm_to_the_administrators() {
        JsonNode alarm = resources.path("LedgerDigestIteratorAgeAlarm");
        assertEquals("AWS::CloudWatch::Alarm", alarm.path("Type").asText());
        JsonNode p = alarm.path("Properties");
        assertEquals("AWS/Lambda", p.path("Namespace").asText());
        assertEquals("IteratorAge", p.path("MetricName").asText());
        assertEquals("FunctionName", p.path("Dimensions").path(0).path("Name").asText());
        assertEquals("LedgerDigestFunction", p.path("Dimensions").path(0).path("Value").path("Ref").asText());
        assertEquals("Maximum", p.path("Statistic").asText(), "the oldest record waiting, not an average that hides it");
        long thresholdMs = p.path("Threshold").asLong();
        int window = resources.path("LedgerDigestStreamSource").path("Properties").path("MaximumBatchingWindowInSeconds").asInt();
        int timeout = template.function("LedgerDigestFunction").properties().path("Timeout").asInt();
        assertTrue(thresholdMs > (window + timeout) * 1000L, "a batch waiting its window and running its full timeout is not late");
        assertTrue(thresholdMs < 3_600_000L, "behind by less than the hourly run's interval, or the alarm says nothing new");
        assertEquals("AdminAlertsTopic", p.path("AlarmActions").path(0).path("Ref").asText());
    }

    @Test
    void digests_are_anchored_hourly_so_one_comes_at_least_daily() {
        JsonNode hourly = template.function("LedgerDigestFunction").events().get("Hourly");
        assertEquals("ScheduleV2", hourly.path("Type").asText());
        assertEquals("rate(1 hour)", hourly.path("Properties").path("ScheduleExpression").asText());
    }

    @Test
    void every_change_to_the_ledger_reaches_the_anchor_through_the_tables_stream_batched_by_the_minute() {
        assertEquals("KEYS_ONLY", template.resources().path("LedgerTable").path("Properties").path("StreamSpecification")
                .path("StreamViewType").asText(), "the stream says that the ledger changed, not what it holds");
        JsonNode p = template.resources().path("LedgerDigestStreamSource").path("Properties");
        assertEquals("LedgerTable.StreamArn", template.canonical(p.path("EventSourceArn")));
        assertEquals("LedgerDigestFunction.Alias", p.path("FunctionName").path("Ref").asText());
        assertEquals("LATEST", p.path("StartingPosition").asText());
        assertEquals(60, p.path("MaximumBatchingWindowInSeconds").asInt(), "one digest for a run's appends");
        assertEquals("LedgerDigestFailedEvents", p.path("DestinationConfig").path("OnFailure").path("Destination").path("Fn::GetAtt").path(0).asText(),
                "a batch that failed its retries lands where the alarm watches");
        Function anchor = template.function("LedgerDigestFunction");
        for (String action : List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")) {
            assertTrue(anchor.grants().contains(new Grant(action, "LedgerTable.StreamArn")), action + " on the ledger's stream only");
        }
    }
}
