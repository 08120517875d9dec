package org.appban.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.appban.wiring.AwsClients;
import org.appban.wiring.Settings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cold-start yardstick, not a function of appban (template.yaml does not deploy it): one DynamoDB GetItem on
 * {@code BASELINE_TABLE} with the same lean client setup as the functions, and nothing else (no JSON library, no
 * policy, no other client). {@code ./appban bench coldstart} sets every handler's first invocation beside this one.
 */
public final class BaselineHandler implements RequestStreamHandler {
    private final DynamoDbClient dynamo;
    private final String table;

    public BaselineHandler() {
        Settings settings = Settings.fromEnvironment();
        this.dynamo = AwsClients.from(settings).dynamoDb();
        this.table = settings.required("BASELINE_TABLE");
        // Primed like the functions, so that the bench's SnapStart column compares like with like.
        org.appban.lambda.Priming.register("baseline", org.appban.aws.SdkPriming::dynamoDb);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        boolean found = dynamo.getItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.fromS("baseline")))).hasItem();
        output.write(("{\"found\":" + found + "}").getBytes(StandardCharsets.UTF_8));
    }
}
