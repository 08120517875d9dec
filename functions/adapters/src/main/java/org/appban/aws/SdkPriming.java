package org.appban.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.warmup.http.CannedResponseHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Warms the SDK path of the operations the functions call, without a network: each operation runs through a
 * client of the same service on the SDK's canned-response HTTP client (request marshalling, SigV4 signing with
 * throwaway credentials, the interceptor chain, response unmarshalling). The functions' own clients are not
 * touched. For SnapStart priming ({@link org.appban.lambda.Priming}).
 */
public final class SdkPriming {
    /** Marks the calls of priming clients (never sent anywhere), so that call recorders can leave them out. */
    public static final ExecutionAttribute<Boolean> PRIMING = new ExecutionAttribute<>("appban.priming");
    private static final String TABLE = "priming";
    private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("priming"));

    private SdkPriming() {
    }

    public static void dynamoDb() {
        try (DynamoDbClient c = canned(DynamoDbClient.builder(), "{}")) {
            c.getItem(r -> r.tableName(TABLE).key(KEY).consistentRead(true));
            c.putItem(r -> r.tableName(TABLE).item(KEY).conditionExpression("attribute_not_exists(id)"));
            c.updateItem(r -> r.tableName(TABLE).key(KEY).updateExpression("SET #a = :v")
                    .expressionAttributeNames(Map.of("#a", "a")).expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
            c.deleteItem(r -> r.tableName(TABLE).key(KEY));
            c.query(r -> r.tableName(TABLE).keyConditionExpression("id = :id").expressionAttributeValues(Map.of(":id", AttributeValue.fromS("x"))));
            c.scan(r -> r.tableName(TABLE).limit(1));
            c.batchGetItem(r -> r.requestItems(Map.of(TABLE, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(KEY).build())));
            c.transactWriteItems(r -> r.transactItems(t -> t.put(p -> p.tableName(TABLE).item(KEY))));
        }
    }

    public static void s3() {
        try (S3Client c = canned(S3Client.builder().forcePathStyle(true), "")) {
            c.getObjectAsBytes(r -> r.bucket(TABLE).key("priming"));
            c.putObject(r -> r.bucket(TABLE).key("priming").contentType("application/json"), RequestBody.fromString("{}"));
        }
    }

    public static void ssm() {
        try (SsmClient c = canned(SsmClient.builder(), "{}")) {
            c.getParameter(r -> r.name("/priming"));
        }
    }

    public static void secretsManager() {
        try (SecretsManagerClient c = canned(SecretsManagerClient.builder(), "{}")) {
            c.getSecretValue(r -> r.secretId("priming"));
        }
    }

    public static void eventBridge() {
        try (EventBridgeClient c = canned(EventBridgeClient.builder(), "{}")) {
            c.putEvents(r -> r.entries(e -> e.eventBusName("priming").source("appban.priming").detailType("Priming").detail("{}")));
        }
    }

    public static void sesV2() {
        try (SesV2Client c = canned(SesV2Client.builder(), "{}")) {
            c.sendEmail(r -> r.fromEmailAddress("priming@example.org").destination(d -> d.toAddresses("priming@example.org"))
                    .content(ct -> ct.raw(raw -> raw.data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("Subject: priming\r\n\r\n")))));
        }
    }

    public static void sns() {
        try (SnsClient c = canned(SnsClient.builder(),
                "<PublishResponse><PublishResult><MessageId>priming</MessageId></PublishResult></PublishResponse>")) {
            c.publish(r -> r.topicArn("arn:aws:sns:ap-southeast-2:000000000000:priming").subject("priming").message("priming"));
        }
    }

    public static void sqs() {
        try (SqsClient c = canned(SqsClient.builder(), "{}")) {
            c.sendMessageBatch(r -> r.queueUrl("http://localhost/000000000000/priming")
                    .entries(List.of(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder().id("1").messageBody("{}").build())));
        }
    }

    /** Configures {@code builder} for a canned 200 response with {@code body}, with throwaway credentials so that signing runs too. */
    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C canned(B builder, String body) {
        builder.httpClient(CannedResponseHttpClient.builder().statusCode(200).responseBody(body.getBytes(StandardCharsets.UTF_8)).build());
        return builder.overrideConfiguration(c -> c.putExecutionAttribute(PRIMING, Boolean.TRUE))
                .region(Region.AP_SOUTHEAST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .endpointOverride(URI.create("http://localhost"))
                .build();
    }
}
