package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.ledger.ChainVerifier;
import org.appban.ports.Ledger;
import org.appban.ports.LedgerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
}
