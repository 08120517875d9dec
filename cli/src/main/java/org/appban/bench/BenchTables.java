package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/** A table of template.yaml created on the emulator as the template declares it (keys, types, indexes), for a bench. */
final class BenchTables {
    private BenchTables() {
    }

    static String create(DynamoDbClient dynamo, Path root, String logicalId, String name) {
        JsonNode p;
        try {
            p = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("template.yaml").toFile()).path("Resources").path(logicalId).path("Properties");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (p.isMissingNode()) throw new IllegalStateException("template.yaml declares no table " + logicalId);
        List<AttributeDefinition> attributes = new ArrayList<>();
        p.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder().attributeName(a.path("AttributeName").asText())
                .attributeType(a.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        p.path("GlobalSecondaryIndexes").forEach(g -> indexes.add(GlobalSecondaryIndex.builder().indexName(g.path("IndexName").asText())
                .keySchema(keys(g.path("KeySchema"))).projection(Projection.builder()
                        .projectionType(ProjectionType.fromValue(g.path("Projection").path("ProjectionType").asText("ALL"))).build()).build()));
        dynamo.createTable(r -> {
            r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attributes).keySchema(keys(p.path("KeySchema")));
            if (!indexes.isEmpty()) r.globalSecondaryIndexes(indexes);
        });
        return name;
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder().attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }
}
