package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.ledger.ChainVerifier;
import org.appban.ports.Ledger;
import org.appban.ports.LedgerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoLedgerIT extends LedgerContract {
    /** Small pages, so the 25-entry chain and the 13 chains are read over several Query and Scan pages. */
    private static final int PAGE_SIZE = 7;

    private final DynamoTablesFixture tables = new DynamoTablesFixture();
    private String table;

    @Override
    protected Ledger newLedger() {
        table = tables.table("LedgerTable");
        return new DynamoLedger(tables.dynamo(), table, PAGE_SIZE);
    }

    @AfterEach
    void dropTables() {
        tables.dropAll();
    }

    @Test
    void an_entry_changed_in_the_table_is_caught_by_the_verifier() {
        Ledger ledger = new DynamoLedger(tables.dynamo(), table, PAGE_SIZE);
        for (int n = 0; n < 3; n++) {
            ledger.append(new LedgerRecord(Instant.parse("2023-03-30T11:00:00Z"), Actor.schedule("s"), "m-1", null,
                    "step-" + n, "ok", false, null, Map.of()));
        }
        tables.dynamo().updateItem(r -> r.tableName(table).key(LedgerItems.key("member#m-1", 2))
                .updateExpression("SET #o = :o").expressionAttributeNames(Map.of("#o", LedgerItems.OUTCOME))
                .expressionAttributeValues(Map.of(":o", AttributeValue.fromS("failed"))));
        ChainVerifier.Result result = new ChainVerifier().verify("member#m-1", ledger.chain("member#m-1"));
        assertFalse(result.intact());
        assertEquals(2, result.firstBreak().orElseThrow().seq());
    }

    @Test
    void chains_are_read_by_a_query_each_however_many_are_asked_and_the_table_is_never_scanned() {
        Ledger writer = new DynamoLedger(tables.dynamo(), table, PAGE_SIZE);
        for (int m = 1; m <= 20; m++) writer.append(new LedgerRecord(Instant.parse("2023-03-30T11:00:00Z"), Actor.schedule("s"),
                "m-" + m, null, "notice.sent", "ok", false, "notice#m-" + m, Map.of()));
        Map<String, Integer> calls = new TreeMap<>();
        Ledger reader = new DynamoLedger(counting(tables.dynamo(), calls), table, PAGE_SIZE);

        // Most of the chains (a daily run asking for every member's): still a Query each, since a Scan would read
        // every entry of the ledger's whole history.
        Map<String, java.util.List<org.appban.domain.LedgerEntry>> read =
                reader.chainsNamed(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(m -> "member#m-" + m).toList());
        assertEquals(Map.of("batchGetItem", 1, "queryPaginator", 20), calls, "which chains were started, then a query per chain; no Scan");
        assertEquals(20, read.size());
        read.forEach((name, chain) -> assertEquals(1, chain.size(), name));

        calls.clear();
        reader.chainsNamed(java.util.stream.IntStream.rangeClosed(1, 8).mapToObj(m -> "member#m-" + m).toList());
        assertEquals(Map.of("batchGetItem", 1, "queryPaginator", 8), calls);
    }

    @Test
    void a_chain_never_started_costs_no_query_and_reads_as_empty_in_the_order_asked() {
        Ledger writer = new DynamoLedger(tables.dynamo(), table, PAGE_SIZE);
        for (String m : java.util.List.of("m-2", "m-4")) {
            for (int n = 0; n < 9; n++) writer.append(new LedgerRecord(Instant.parse("2023-03-30T11:00:00Z"), Actor.schedule("s"), m, null,
                    "step-" + n, "ok", false, null, Map.of()));
        }
        Map<String, Integer> calls = new TreeMap<>();
        Ledger reader = new DynamoLedger(counting(tables.dynamo(), calls), table, PAGE_SIZE);
        java.util.List<String> names = java.util.stream.IntStream.rangeClosed(1, 130).mapToObj(m -> "member#m-" + m).toList();

        Map<String, java.util.List<org.appban.domain.LedgerEntry>> read = reader.chainsNamed(names);

        assertEquals(Map.of("batchGetItem", 2, "queryPaginator", 2), calls, "130 first entries in two batches; the two chains started");
        assertEquals(names, java.util.List.copyOf(read.keySet()));
        assertEquals(9, read.get("member#m-2").size());
        assertEquals(writer.chain("member#m-4"), read.get("member#m-4"));
        assertTrue(read.get("member#m-1").isEmpty());
        assertTrue(read.get("member#m-130").isEmpty());
    }

    /** The client, counting the calls made to it by method name (a paginator counts once, whatever its pages). */
    private static DynamoDbClient counting(DynamoDbClient real, Map<String, Integer> calls) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    synchronized (calls) {
                        calls.merge(method.getName(), 1, Integer::sum);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
