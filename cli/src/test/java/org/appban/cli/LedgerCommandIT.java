package org.appban.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code ./appban ledger verify --table} against the ledger table on the emulator. */
class LedgerCommandIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    private TemplateTables.Created tables;
    private String table;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        tables = TemplateTables.load().create(aws.dynamoDb(), AwsEmulator.uniquePrefix("cli-ledger"), "LedgerTable");
        table = tables.name("LedgerTable");
        DynamoLedger ledger = new DynamoLedger(aws.dynamoDb(), table);
        Instant t = Instant.parse("2023-03-20T00:00:00Z");
        for (int i = 1; i <= 3; i++) {
            ledger.append(new LedgerRecord(t.plusSeconds(i), Actor.schedule("notify"), "m-1", "d-1", "notice.sent", "ok", false,
                    "k" + i, Map.of("stage", "s" + i)));
        }
        ledger.append(new LedgerRecord(t, Actor.administrator("ops"), null, null, "admin.status", "ok", false, null, Map.of()));
    }

    @AfterEach
    void tearDown() {
        tables.close();
    }

    private int verify(String... extra) {
        LedgerCommand command = new LedgerCommand(new PrintStream(printed, true, StandardCharsets.UTF_8), aws::dynamoDb);
        List<String> args = new java.util.ArrayList<>(List.of("verify", "--table", table));
        args.addAll(List.of(extra));
        return command.run(args);
    }

    @Test
    void the_table_verifies_and_an_item_edited_in_place_is_found() {
        assertEquals(0, verify());
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("ledger table " + table + ": 2 chains, 4 entries"), out);

        aws.dynamoDb().updateItem(r -> r.tableName(table)
                .key(Map.of("chain", AttributeValue.fromS("member#m-1"), "seq", AttributeValue.fromN("2")))
                .updateExpression("SET #o = :o").expressionAttributeNames(Map.of("#o", "outcome"))
                .expressionAttributeValues(Map.of(":o", AttributeValue.fromS("failed"))));
        assertEquals(1, verify());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("BROKEN: chain member#m-1, first break at entry 2"), printed.toString());
        assertEquals(0, verify("--chain", "fleet"));
    }
}
