package org.appban.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The bench's moto launcher ({@code MotoServer.startForBench}, moto_bench.py) rolls a cancelled TransactWriteItems
 * back from an undo log of the items it names, where stock moto restores a copy of every table, and runs a Query by
 * the table's own key over that partition's items only, where stock moto lists and sorts the whole table. It is an
 * emulator speed-up for {@code ./appban bench} only; this shows it changes no outcome: the same transactions, against
 * both servers, give the same answer and leave the same items, item counts, stream records and Query pages after
 * every step, and a transaction cancelled after moto applied some of its items leaves everything as it was.
 */
class BenchMotoTransactionsIT {
    private static final String PLAIN = "plain";
    private static final String RANGED = "ranged";
    private static MotoServer stock;
    private static MotoServer bench;

    @BeforeAll
    static void start() throws Exception {
        stock = MotoServer.start(ProjectLayout.emulatorHome());
        bench = MotoServer.startForBench(ProjectLayout.emulatorHome());
    }

    @AfterAll
    static void stop() {
        if (stock != null) stock.close();
        if (bench != null) bench.close();
    }

    /** One step: a transaction, and whether it is meant to commit. */
    private record Step(String name, boolean commits, List<TransactWriteItem> items) {
    }

    /** What a server answered to a step, and what its tables and streams hold after it. */
    private record Seen(String answer, String state) {
    }

    @Test
    void every_transaction_ends_as_on_stock_moto_and_a_cancelled_one_leaves_every_item_and_stream_as_it_was() {
        List<Seen> onStock = play(stock.endpoint());
        List<Seen> onBench = play(bench.endpoint());

        for (int i = 0; i < steps().size(); i++) {
            Step step = steps().get(i);
            assertEquals(onStock.get(i), onBench.get(i), "step '" + step.name() + "' on the bench launcher and on stock moto");
            String before = i == 0 ? onStock.get(0).state() : onStock.get(i - 1).state();
            if (step.commits()) {
                assertEquals("committed", onStock.get(i).answer(), step.name());
                if (i > 0) assertNotEquals(before, onStock.get(i).state(), step.name() + " changed something");
            } else {
                assertNotEquals("committed", onStock.get(i).answer(), step.name());
                assertEquals(before, onBench.get(i).state(), step.name() + " left everything as it was on the bench launcher");
            }
        }
    }

    private static List<Step> steps() {
        return List.of(
                new Step("three new items", true, List.of(put(PLAIN, Map.of("id", s("a"), "v", n(1))),
                        put(RANGED, Map.of("pk", s("m1"), "sk", s("001"), "owner", s("x"))),
                        put(RANGED, Map.of("pk", s("m1"), "sk", s("002"), "owner", s("y"))))),
                new Step("an update, a delete and an item under a new partition, then a failed condition on the last item", false, List.of(
                        update(PLAIN, Map.of("id", s("a")), "SET v = :v", Map.of(":v", n(2)), null),
                        delete(RANGED, Map.of("pk", s("m1"), "sk", s("001"))),
                        put(RANGED, Map.of("pk", s("m2"), "sk", s("001"), "owner", s("x"))),
                        check(PLAIN, Map.of("id", s("b")), "attribute_exists(id)"))),
                new Step("a failed condition asking for the old item, after a put", false, List.of(
                        put(PLAIN, Map.of("id", s("c"), "v", n(7))),
                        update(PLAIN, Map.of("id", s("a")), "SET v = :v", Map.of(":v", n(9), ":five", n(5)), "v = :five"))),
                new Step("the same item twice", false, List.of(put(PLAIN, Map.of("id", s("d"), "v", n(1))),
                        update(PLAIN, Map.of("id", s("d")), "SET v = :v", Map.of(":v", n(2)), null))),
                new Step("a put, then a table that does not exist", false, List.of(put(PLAIN, Map.of("id", s("e"), "v", n(1))),
                        put("missing", Map.of("id", s("e"))))),
                new Step("a conditional update, a delete and a put", true, List.of(
                        update(PLAIN, Map.of("id", s("a")), "SET v = :v", Map.of(":v", n(3), ":one", n(1)), "v = :one"),
                        delete(RANGED, Map.of("pk", s("m1"), "sk", s("002"))),
                        put(PLAIN, Map.of("id", s("f"), "v", n(1))))),
                new Step("a new partition and a delete, then a failed condition on a ranged item", false, List.of(
                        put(RANGED, Map.of("pk", s("m3"), "sk", s("001"), "owner", s("z"))),
                        delete(PLAIN, Map.of("id", s("a"))),
                        check(RANGED, Map.of("pk", s("m1"), "sk", s("001")), "attribute_not_exists(pk)"))));
    }

    private static List<Seen> play(URI endpoint) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
             DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).build()) {
            dynamo.createTable(r -> r.tableName(PLAIN).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .streamSpecification(st -> st.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
            dynamo.createTable(r -> r.tableName(RANGED).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("sk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("owner").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                    .globalSecondaryIndexes(g -> g.indexName("byOwner").keySchema(k -> k.attributeName("owner").keyType(KeyType.HASH))
                            .projection(p -> p.projectionType(ProjectionType.ALL)))
                    .streamSpecification(st -> st.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
            List<Seen> seen = new ArrayList<>();
            for (Step step : steps()) {
                String answer;
                try {
                    dynamo.transactWriteItems(r -> r.transactItems(step.items()));
                    answer = "committed";
                } catch (TransactionCanceledException e) {
                    answer = "cancelled " + e.cancellationReasons().stream().map(c -> c.code() + (c.hasItem() ? " " + c.item() : "")).toList();
                } catch (DynamoDbException e) {
                    answer = e.getClass().getSimpleName() + " " + e.statusCode() + " " + e.awsErrorDetails().errorCode();
                }
                seen.add(new Seen(answer, state(dynamo, streams)));
            }
            return seen;
        }
    }

    /** Every table's items in key order, its item count, the GSI's answer, and its stream's records in order. */
    private static String state(DynamoDbClient dynamo, DynamoDbStreamsClient streams) {
        StringBuilder state = new StringBuilder();
        for (String table : List.of(PLAIN, RANGED)) {
            var items = new ArrayList<>(dynamo.scan(r -> r.tableName(table)).items().stream().map(i -> new TreeMap<>(i).toString()).toList());
            items.sort(Comparator.naturalOrder());
            state.append(table).append(' ').append(items).append(" count ")
                    .append(dynamo.describeTable(r -> r.tableName(table)).table().itemCount()).append('\n');
            String arn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
            var shards = streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards();
            for (var shard : shards) {
                String iterator = streams.getShardIterator(r -> r.streamArn(arn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                var records = streams.getRecords(r -> r.shardIterator(iterator).limit(1000)).records();
                Function<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>, String> image =
                        m -> m == null || m.isEmpty() ? "-" : new TreeMap<>(m).toString();
                for (var record : records) {
                    state.append("  ").append(record.eventNameAsString()).append(' ').append(record.dynamodb().sequenceNumber()).append(' ')
                            .append(image.apply(record.dynamodb().keys())).append(' ').append(image.apply(record.dynamodb().oldImage()))
                            .append(" -> ").append(image.apply(record.dynamodb().newImage())).append('\n');
                }
            }
        }
        state.append("byOwner x ").append(dynamo.query(r -> r.tableName(RANGED).indexName("byOwner").keyConditionExpression("#o = :o")
                .expressionAttributeNames(Map.of("#o", "owner")).expressionAttributeValues(Map.of(":o", s("x")))).count()).append('\n');
        // Queries by the table's own key (the launcher runs moto's query over the partition's items only).
        for (String pk : List.of("m1", "m2", "m3", "nobody")) {
            var forwards = dynamo.query(r -> r.tableName(RANGED).keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s(pk))));
            var newest = dynamo.query(r -> r.tableName(RANGED).keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s(pk)))
                    .scanIndexForward(false).limit(1));
            state.append("query ").append(pk).append(' ').append(forwards.items()).append(" newest ").append(newest.items())
                    .append(" then ").append(newest.lastEvaluatedKey());
            if (newest.hasLastEvaluatedKey() && !newest.lastEvaluatedKey().isEmpty()) {
                state.append(" next ").append(dynamo.query(r -> r.tableName(RANGED).keyConditionExpression("pk = :p")
                        .expressionAttributeValues(Map.of(":p", s(pk))).scanIndexForward(false).exclusiveStartKey(newest.lastEvaluatedKey())).items());
            }
            state.append(" from 001 ").append(dynamo.query(r -> r.tableName(RANGED).keyConditionExpression("pk = :p AND sk > :s")
                    .expressionAttributeValues(Map.of(":p", s(pk), ":s", s("001")))).items()).append('\n');
        }
        for (String id : List.of("a", "c", "f", "nobody")) {
            state.append("query ").append(id).append(' ').append(dynamo.query(r -> r.tableName(PLAIN).keyConditionExpression("id = :i")
                    .expressionAttributeValues(Map.of(":i", s(id)))).items()).append('\n');
        }
        return state.toString();
    }

    private static TransactWriteItem put(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build();
    }

    private static TransactWriteItem delete(String table, Map<String, AttributeValue> key) {
        return TransactWriteItem.builder().delete(d -> d.tableName(table).key(key)).build();
    }

    private static TransactWriteItem check(String table, Map<String, AttributeValue> key, String condition) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key).conditionExpression(condition)).build();
    }

    private static TransactWriteItem update(String table, Map<String, AttributeValue> key, String expression, Map<String, AttributeValue> values,
                                            String condition) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key).updateExpression(expression).expressionAttributeValues(values)
                .conditionExpression(condition).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build();
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
