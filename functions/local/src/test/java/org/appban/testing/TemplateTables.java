package org.appban.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/**
 * The DynamoDB tables declared in template.yaml, created in the emulator exactly as declared (keys, attribute
 * types, global secondary indexes), under a per-test name prefix. Integration tests get their tables only from
 * here, so the code is always tested against the tables that will be deployed.
 */
public final class TemplateTables {
    public static final String TABLE_TYPE = "AWS::DynamoDB::Table";

    private final Map<String, JsonNode> tables;

    private TemplateTables(Map<String, JsonNode> tables) {
        this.tables = tables;
    }

    public static TemplateTables load() {
        return load(ProjectLayout.template());
    }

    public static TemplateTables load(Path template) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template + " as plain YAML (long-form intrinsics only, no !Ref)", e);
        }
        Map<String, JsonNode> tables = new LinkedHashMap<>();
        root.path("Resources").properties().forEach(resource -> {
            if (TABLE_TYPE.equals(resource.getValue().path("Type").asText())) {
                tables.put(resource.getKey(), resource.getValue().path("Properties"));
            }
        });
        return new TemplateTables(tables);
    }

    /** Logical ids of the declared tables, in template order. */
    public Set<String> logicalIds() {
        return tables.keySet();
    }

    /** The declared Properties of a table, for tests that check the template itself. */
    public JsonNode properties(String logicalId) {
        JsonNode p = tables.get(logicalId);
        if (p == null) throw new IllegalArgumentException("template.yaml declares no " + TABLE_TYPE + " named " + logicalId + "; it has " + tables.keySet());
        return p;
    }

    /** The request that creates a declared table as {@code name}. */
    public CreateTableRequest createRequest(String logicalId, String name) {
        JsonNode p = properties(logicalId);
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(each(p.path("AttributeDefinitions"), a -> AttributeDefinition.builder()
                        .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()))
                .keySchema(keySchema(p.path("KeySchema")));
        List<GlobalSecondaryIndex> indexes = each(p.path("GlobalSecondaryIndexes"), g -> GlobalSecondaryIndex.builder()
                .indexName(g.path("IndexName").asText())
                .keySchema(keySchema(g.path("KeySchema")))
                .projection(projection(g.path("Projection")))
                .build());
        if (!indexes.isEmpty()) request.globalSecondaryIndexes(indexes);
        JsonNode stream = p.path("StreamSpecification").path("StreamViewType");
        if (stream.isTextual()) {
            // The emulator accepts the stream as declared (the ledger's, which triggers its digests).
            request.streamSpecification(software.amazon.awssdk.services.dynamodb.model.StreamSpecification.builder()
                    .streamEnabled(true).streamViewType(stream.asText()).build());
        }
        return request.build();
    }

    /**
     * Creates the given tables under {@code prefix + logicalId} and waits until they are active. Close the result
     * to delete them again.
     */
    public Created create(DynamoDbClient dynamo, String prefix, String... logicalIds) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String id : logicalIds) {
            String name = prefix + id;
            dynamo.createTable(createRequest(id, name));
            names.put(id, name);
        }
        for (String name : names.values()) dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
        return new Created(dynamo, names);
    }

    /** Tables created for one test; {@link #close} deletes them so a long run does not pile them up. */
    public record Created(DynamoDbClient dynamo, Map<String, String> names) implements AutoCloseable {
        public String name(String logicalId) {
            String name = names.get(logicalId);
            if (name == null) throw new IllegalArgumentException("table " + logicalId + " was not created; created: " + names.keySet());
            return name;
        }

        @Override
        public void close() {
            names.values().forEach(n -> dynamo.deleteTable(r -> r.tableName(n)));
        }
    }

    private static List<KeySchemaElement> keySchema(JsonNode node) {
        return each(node, k -> KeySchemaElement.builder().attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build());
    }

    private static Projection projection(JsonNode node) {
        Projection.Builder p = Projection.builder().projectionType(node.path("ProjectionType").asText("ALL"));
        Collection<String> nonKey = each(node.path("NonKeyAttributes"), JsonNode::asText);
        if (!nonKey.isEmpty()) p.nonKeyAttributes(nonKey);
        return p.build();
    }

    private static <T> List<T> each(JsonNode array, java.util.function.Function<JsonNode, T> map) {
        List<T> out = new ArrayList<>();
        if (array.isArray()) array.forEach(n -> out.add(map.apply(n)));
        return out;
    }
}
