package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class DynamoUnitsTest {
    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static Map<String, AttributeValue> itemOf(int bytes) {
        // "pk" (2 bytes) + a string of bytes - 2.
        return Map.of("pk", s("x".repeat(bytes - 2)));
    }

    @Test
    void anItemIsItsNamesAndValuesInBytes() {
        // A number of 5 significant digits: 3 bytes for them, 1 more.
        assertEquals(2 + 5 + 1 + 4, DynamoUnits.itemBytes(Map.of("id", s("m-001"), "n", AttributeValue.fromN("12345"))));
        // A boolean is a byte; an empty list three.
        assertEquals(2 + 1 + 1 + 3, DynamoUnits.itemBytes(Map.of("ok", AttributeValue.fromBool(true), "l", AttributeValue.fromL(List.of()))));
        assertEquals("é".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1, DynamoUnits.itemBytes(Map.of("a", s("é"))));
    }

    @Test
    void aWriteUnitIsAKilobyteRoundedUpPerItemAndAtLeastOne() {
        assertEquals(1, DynamoUnits.writeUnits(0));
        assertEquals(1, DynamoUnits.writeUnits(1024));
        assertEquals(2, DynamoUnits.writeUnits(1025));
        assertEquals(2, ScaleMeter.writeUnits(PutItemRequest.builder().item(itemOf(1500)).build(), null));
    }

    @Test
    void aReadUnitIsFourKilobytesConsistentOrTwiceThatEventually() {
        assertEquals(1, DynamoUnits.readUnits(4096, true));
        assertEquals(0.5, DynamoUnits.readUnits(10, false));
        assertEquals(1.5, DynamoUnits.readUnits(9000, false));
        // Nothing found still costs the minimum.
        assertEquals(0.5, ScaleMeter.readUnits(GetItemRequest.builder().build(), GetItemResponse.builder().build()));
    }

    @Test
    void aTransactionCostsTwiceItsItems() {
        TransactWriteItemsRequest t = TransactWriteItemsRequest.builder().transactItems(
                TransactWriteItem.builder().put(Put.builder().item(itemOf(100)).build()).build(),
                TransactWriteItem.builder().put(Put.builder().item(itemOf(2000)).build()).build()).build();
        assertEquals(2 * (1 + 2), ScaleMeter.writeUnits(t, null));
    }

    @Test
    void aBatchIsChargedForWhatItWroteNotForWhatCameBackUnprocessed() {
        WriteRequest small = WriteRequest.builder().putRequest(PutRequest.builder().item(itemOf(100)).build()).build();
        WriteRequest large = WriteRequest.builder().putRequest(PutRequest.builder().item(itemOf(3000)).build()).build();
        BatchWriteItemRequest batch = BatchWriteItemRequest.builder().requestItems(Map.of("t", List.of(small, large))).build();
        assertEquals(4, ScaleMeter.writeUnits(batch, BatchWriteItemResponse.builder().build()));
        assertEquals(1, ScaleMeter.writeUnits(batch, BatchWriteItemResponse.builder().unprocessedItems(Map.of("t", List.of(large))).build()));
    }

    @Test
    void aScanIsChargedForWhatItExaminedNotWhatItReturned() {
        // 1,000 items examined, 10 returned of 400 bytes each: about 400 kB read, 98 units consistently.
        List<Map<String, AttributeValue>> ten = java.util.Collections.nCopies(10, itemOf(400));
        double units = ScaleMeter.readUnits(ScanRequest.builder().consistentRead(true).build(),
                ScanResponse.builder().items(ten).count(10).scannedCount(1000).build());
        assertEquals(98, units);
        // A count: nothing returned, 1 kB an examined item assumed.
        assertEquals(125, ScaleMeter.readUnits(ScanRequest.builder().build(), ScanResponse.builder().count(1000).scannedCount(1000).build()));
    }

    @Test
    void aNoticeIsKnownByItsRecipientAndSubject() {
        String raw = "From: a@example.org\r\nTo: m0000001@scale.example.org\r\nSubject: TikTok must\r\n be removed\r\n\r\nTo: not a header";
        assertEquals("m0000001@scale.example.org|TikTok must be removed", ScaleMeter.mailKey(raw));
        assertNull(ScaleMeter.mailKey("Subject: nobody\r\n\r\nbody"));
    }
}
