package org.appban.store.dynamo;

import java.util.ArrayList;
import java.util.List;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Fresh tables from template.yaml for each test, under a prefix no other test uses; dropped afterwards. */
final class DynamoTablesFixture {
    private static final TemplateTables TEMPLATE = TemplateTables.load();

    private final List<TemplateTables.Created> created = new ArrayList<>();

    DynamoDbClient dynamo() {
        return AwsEmulator.shared().dynamoDb();
    }

    /** Creates the template's table {@code logicalId} and returns its name in the emulator. */
    String table(String logicalId) {
        TemplateTables.Created tables = TEMPLATE.create(dynamo(), AwsEmulator.uniquePrefix(logicalId), logicalId);
        created.add(tables);
        return tables.name(logicalId);
    }

    void dropAll() {
        created.forEach(TemplateTables.Created::close);
        created.clear();
    }
}
