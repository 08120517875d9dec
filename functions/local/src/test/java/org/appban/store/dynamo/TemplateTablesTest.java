package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * template.yaml declares every table the DynamoDB adapters use, with the keys and indexes they query, and hands
 * each function the table names in the variables the code reads.
 */
class TemplateTablesTest {
    private final TemplateTables template = TemplateTables.load();

    /** Logical id -> the environment variable the code reads its name from. */
    private static final Map<String, String> TABLES = Map.of(
            "MembersTable", TableNames.MEMBERS,
            "DevicesTable", TableNames.DEVICES,
            "ExemptionsTable", TableNames.EXEMPTIONS,
            "LedgerTable", TableNames.LEDGER,
            "ClaimsTable", TableNames.CLAIMS);

    @Test
    void every_table_the_adapters_use_is_declared() {
        assertTrue(template.logicalIds().containsAll(TABLES.keySet()), "declared: " + template.logicalIds());
    }

    @Test
    void members_are_keyed_by_id_and_indexed_by_address() {
        CreateTableRequest t = template.createRequest("MembersTable", "t");
        assertEquals(List.of(MemberItems.ID + " HASH"), keys(t.keySchema()));
        assertEquals(Map.of(MemberItems.ID, "S", MemberItems.ADDRESS_KEY, "S"), types(t));
        assertEquals(Map.of(DynamoMemberStore.BY_ADDRESS, List.of(MemberItems.ADDRESS_KEY + " HASH")), indexes(t));
    }

    @Test
    void devices_are_keyed_by_id_and_indexed_by_owner_by_mac_by_the_syncs_stamps_and_by_carrying_the_app() {
        CreateTableRequest t = template.createRequest("DevicesTable", "t");
        assertEquals(List.of(DeviceItems.ID + " HASH"), keys(t.keySchema()));
        assertEquals(Map.of(DynamoDeviceStore.BY_OWNER, List.of(DeviceItems.OWNER + " HASH"),
                DynamoDeviceStore.BY_MAC, List.of(DeviceItems.MAC_ADDRESS + " HASH"),
                DynamoDeviceStore.BY_SYNC, List.of("syncShard HASH", "syncPeriod RANGE"),
                DynamoDeviceStore.BY_CARRYING, List.of(DeviceItems.CARRYING + " HASH", DeviceItems.ID + " RANGE")), indexes(t));
        assertEquals(Map.of(DeviceItems.ID, "S", DeviceItems.OWNER, "S", DeviceItems.MAC_ADDRESS, "S", "syncShard", "S", "syncPeriod", "N",
                DeviceItems.CARRYING, "S"), types(t));
    }

    @Test
    void exemptions_are_keyed_by_id_and_indexed_by_member_and_by_when_a_notice_falls_due() {
        CreateTableRequest t = template.createRequest("ExemptionsTable", "t");
        assertEquals(List.of(ExemptionItems.ID + " HASH"), keys(t.keySchema()));
        assertEquals(Map.of(DynamoExemptionStore.BY_MEMBER, List.of(ExemptionItems.MEMBER + " HASH"),
                DynamoExemptionStore.BY_NOTICE_DUE, List.of(DynamoExemptionStore.NOTICE_DUE + " HASH", DynamoExemptionStore.NOTICE_DUE_AT + " RANGE")),
                indexes(t));
        assertEquals(Map.of(ExemptionItems.ID, "S", ExemptionItems.MEMBER, "S", DynamoExemptionStore.NOTICE_DUE, "S",
                DynamoExemptionStore.NOTICE_DUE_AT, "S"), types(t));
    }

    @Test
    void ledger_entries_are_keyed_by_chain_and_number_with_sparse_indexes_of_chain_heads_devices_and_what_needs_a_person() {
        CreateTableRequest t = template.createRequest("LedgerTable", "t");
        assertEquals(List.of(LedgerItems.CHAIN + " HASH", LedgerItems.SEQ + " RANGE"), keys(t.keySchema()));
        assertEquals(Map.of(DynamoLedger.CHAIN_HEADS, List.of(LedgerItems.HEAD + " HASH"),
                DynamoLedger.BY_DEVICE, List.of(LedgerItems.DEVICE_KEY + " HASH"),
                DynamoLedger.BY_ATTENTION, List.of(LedgerItems.ATTENTION + " HASH", LedgerItems.AT + " RANGE")), indexes(t));
        assertEquals(Map.of(LedgerItems.CHAIN, "S", LedgerItems.SEQ, "N", LedgerItems.HEAD, "S", LedgerItems.DEVICE_KEY, "S",
                LedgerItems.ATTENTION, "S", LedgerItems.AT, "S"), types(t));
    }

    @Test
    void claims_are_keyed_by_key() {
        CreateTableRequest t = template.createRequest("ClaimsTable", "t");
        assertEquals(List.of(ClaimItems.KEY + " HASH"), keys(t.keySchema()));
        assertEquals(Map.of(ClaimItems.KEY, "S"), types(t));
    }

    @Test
    void every_table_is_on_demand_recoverable_encrypted_and_kept_when_the_stack_goes() {
        TABLES.keySet().forEach(id -> {
            JsonNode p = template.properties(id);
            assertEquals("PAY_PER_REQUEST", p.path("BillingMode").asText(), id);
            assertTrue(p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(), id + " point-in-time recovery");
            assertTrue(p.path("SSESpecification").path("SSEEnabled").asBoolean(), id + " encryption at rest");
            assertEquals("Retain", resource(id).path("DeletionPolicy").asText(), id + " deletion policy");
        });
    }

    @Test
    void every_function_gets_each_table_name_in_the_variable_the_code_reads() {
        // Each function declares its own variables (no Globals environment): a table variable always names its table.
        assertTrue(templateTree().path("Globals").path("Function").path("Environment").isMissingNode(), "no Globals environment");
        int seen = 0;
        for (JsonNode resource : templateTree().path("Resources")) {
            if (!"AWS::Serverless::Function".equals(resource.path("Type").asText())) continue;
            JsonNode variables = resource.path("Properties").path("Environment").path("Variables");
            for (Map.Entry<String, String> table : TABLES.entrySet()) {
                if (!variables.has(table.getValue())) continue;
                assertEquals(table.getKey(), variables.path(table.getValue()).path("Ref").asText(), table.getValue());
                seen++;
            }
        }
        assertTrue(seen >= TABLES.size(), "every table is given to some function");
    }

    @Test
    void the_template_uses_no_short_form_intrinsics_so_plain_yaml_parsers_read_it() throws IOException {
        List<String> shortTags = Files.readAllLines(ProjectLayout.template()).stream()
                .filter(line -> !line.stripLeading().startsWith("#"))
                .filter(line -> line.matches(".*(^|\\s)!(Ref|GetAtt|Sub|Join|If|Equals|Not|And|Or|Select|Split|FindInMap|ImportValue|Base64|Cidr|GetAZs)\\b.*"))
                .toList();
        assertEquals(List.of(), shortTags);
    }

    private JsonNode templateTree() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(ProjectLayout.template().toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode resource(String id) {
        return templateTree().path("Resources").path(id);
    }

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).toList();
    }

    private static Map<String, List<String>> indexes(CreateTableRequest t) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (GlobalSecondaryIndex g : t.globalSecondaryIndexes()) out.put(g.indexName(), keys(g.keySchema()));
        return out;
    }

    private static Map<String, String> types(CreateTableRequest t) {
        Map<String, String> out = new TreeMap<>();
        for (AttributeDefinition a : t.attributeDefinitions()) out.put(a.attributeName(), a.attributeTypeAsString());
        return out;
    }
}
