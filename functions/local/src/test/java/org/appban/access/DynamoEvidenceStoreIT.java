package org.appban.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.appban.store.dynamo.DynamoEvidenceStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB evidence store against the emulator, on the EvidenceTable exactly as template.yaml declares it. */
class DynamoEvidenceStoreIT extends EvidenceStoreContract {
    private static TemplateTables.Created tables;

    @BeforeAll
    static void table() {
        tables = TemplateTables.load().create(AwsEmulator.shared().dynamoDb(), AwsEmulator.uniquePrefix("evidence"), "EvidenceTable");
    }

    @AfterAll
    static void drop() {
        tables.close();
    }

    @Override
    protected EvidenceStore store() {
        return new DynamoEvidenceStore(AwsEmulator.shared().dynamoDb(), tables.name("EvidenceTable"), Duration.ofDays(30));
    }

    @Test
    void aSightingExpiresThroughTheTablesTtlAndHoldsNothingButTheMatch() {
        store().recordSightings(List.of(sighting("ttl-1", "tiktok.com", T, "s3://t/ttl.jsonl")));
        Map<String, AttributeValue> item = AwsEmulator.shared().dynamoDb().getItem(b -> b.tableName(tables.name("EvidenceTable"))
                .key(Map.of("device", AttributeValue.fromS("ttl-1"), "entry", AttributeValue.fromS("latest")))).item();
        assertEquals(Long.toString(T.plus(Duration.ofDays(30)).getEpochSecond()), item.get("expiresAt").n());
        assertEquals(List.of("at", "atMillis", "device", "domain", "entry", "expiresAt", "source", "via"), item.keySet().stream().sorted().toList());
        assertTrue(AwsEmulator.shared().dynamoDb().getItem(b -> b.tableName(tables.name("EvidenceTable"))
                .key(Map.of("device", AttributeValue.fromS("ttl-1"), "entry", AttributeValue.fromS("domain#tiktok.com")))).hasItem());
    }
}
