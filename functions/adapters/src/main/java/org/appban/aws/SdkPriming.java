package org.appban.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
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
 * client of the same service on a canned-response HTTP client (request marshalling, SigV4 signing with throwaway
 * credentials, the interceptor chain, the request body streamed as a real client would send it, the response's
 * checksum checked and unmarshalled). The functions' own clients are not touched. For SnapStart priming
 * ({@link org.appban.lambda.Priming}).
 *
 * <p>DynamoDB's canned answer has every kind of attribute value, a consumed capacity and a page end, so that its
 * parsers (numbers included) and the paginators the stores iterate with are loaded before the snapshot: the bench's
 * count of classes loaded by a first invocation after the restore ({@code ./appban bench coldstart}) showed them
 * loaded there.
 */
public final class SdkPriming {
    /** Marks the calls of priming clients (never sent anywhere), so that call recorders can leave them out. */
    public static final ExecutionAttribute<Boolean> PRIMING = new ExecutionAttribute<>("appban.priming");
    private static final String TABLE = "priming";
    private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("priming"));

    private SdkPriming() {
    }

    /** One body every DynamoDB operation's unmarshaller reads its own fields from (unknown ones are skipped). */
    private static final String DYNAMO_ANSWER = "{\"Item\":{\"id\":{\"S\":\"priming\"},\"n\":{\"N\":\"1.5\"},\"b\":{\"BOOL\":true},"
            + "\"z\":{\"NULL\":true},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}},\"l\":{\"L\":[{\"N\":\"2\"}]},\"ss\":{\"SS\":[\"a\"]}},"
            + "\"Items\":[{\"id\":{\"S\":\"priming\"},\"n\":{\"N\":\"3\"}}],\"Count\":1,\"ScannedCount\":1,"
            + "\"ConsumedCapacity\":{\"TableName\":\"priming\",\"CapacityUnits\":0.5}}";
    /** The batch and transaction operations' answer: their consumed capacity is a list, one per table. */
    private static final String DYNAMO_BATCH_ANSWER = "{\"Responses\":{\"priming\":[{\"id\":{\"S\":\"priming\"}}]},"
            + "\"UnprocessedKeys\":{},\"UnprocessedItems\":{},\"ConsumedCapacity\":[{\"TableName\":\"priming\",\"CapacityUnits\":0.5}]}";

    public static void dynamoDb() {
        try (DynamoDbClient c = canned(DynamoDbClient.builder(), request -> request.firstMatchingHeader("X-Amz-Target")
                .filter(t -> t.contains(".Batch") || t.contains(".Transact")).isPresent() ? DYNAMO_BATCH_ANSWER : DYNAMO_ANSWER)) {
            c.getItem(r -> r.tableName(TABLE).key(KEY).consistentRead(true));
            c.putItem(r -> r.tableName(TABLE).item(KEY).conditionExpression("attribute_not_exists(id)"));
            c.updateItem(r -> r.tableName(TABLE).key(KEY).updateExpression("SET #a = :v")
                    .expressionAttributeNames(Map.of("#a", "a")).expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
            c.deleteItem(r -> r.tableName(TABLE).key(KEY));
            c.query(r -> r.tableName(TABLE).keyConditionExpression("id = :id").expressionAttributeValues(Map.of(":id", AttributeValue.fromS("x"))));
            c.scan(r -> r.tableName(TABLE).limit(1));
            c.batchGetItem(r -> r.requestItems(Map.of(TABLE, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(KEY).build())));
            c.transactWriteItems(r -> r.transactItems(t -> t.put(p -> p.tableName(TABLE).item(KEY))));
            c.batchWriteItem(r -> r.requestItems(Map.of(TABLE, List.of(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(KEY)).build()))));
            // The stores read through paginators (a page without LastEvaluatedKey ends them).
            c.scanPaginator(r -> r.tableName(TABLE).consistentRead(true)).items().forEach(item -> { });
            c.queryPaginator(r -> r.tableName(TABLE).indexName("priming").keyConditionExpression("id = :id")
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromS("x")))).items().forEach(item -> { });
        }
    }

    public static void s3() {
        try (S3Client c = canned(S3Client.builder().forcePathStyle(true), "")) {
            c.getObjectAsBytes(r -> r.bucket(TABLE).key("priming"));
            c.putObject(r -> r.bucket(TABLE).key("priming").contentType("application/json"), RequestBody.fromString("{}"));
        }
    }

    public static void ssm() {
        // A parameter as SSM returns it (the kill switch reads one), so its unmarshalling, dates included, is loaded.
        try (SsmClient c = canned(SsmClient.builder(), "{\"Parameter\":{\"Name\":\"/priming\",\"Type\":\"String\",\"Value\":\"{}\","
                + "\"Version\":1,\"LastModifiedDate\":1.7040672E9,\"ARN\":\"arn:aws:ssm:ap-southeast-2:000000000000:parameter/priming\","
                + "\"DataType\":\"text\"}}")) {
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

    /** An SSM client of priming's own whose every parameter has {@code value} (the kill switch reads {@code off}). */
    public static SsmClient ssmAnswering(String value) {
        String answer = "{\"Parameter\":{\"Name\":\"/priming\",\"Type\":\"String\",\"Value\":" + quoted(value)
                + ",\"Version\":1,\"LastModifiedDate\":1.7040672E9,\"ARN\":\"arn:aws:ssm:ap-southeast-2:000000000000:parameter/priming\","
                + "\"DataType\":\"text\"}}";
        return canned(SsmClient.builder(), answer);
    }

    /** An S3 client of priming's own: every write succeeds, every read finds an empty object. */
    public static S3Client emptyS3() {
        return canned(S3Client.builder().forcePathStyle(true), "");
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** An HTTP answer of a {@link Responder}. */
    public record Answer(int status, String body) {
        public static Answer ok(String body) {
            return new Answer(200, body);
        }
    }

    /** Answers a request of a priming client in process, from the request and its body as the client sent it. */
    @FunctionalInterface
    public interface Responder {
        Answer answer(software.amazon.awssdk.http.SdkHttpRequest request, byte[] body);
    }

    /** Configures {@code builder} for a canned 200 response with {@code body}, with throwaway credentials so that signing runs too. */
    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C canned(B builder, String body) {
        return canned(builder, request -> body);
    }

    /** The same, with the body chosen by the request. */
    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C canned(B builder,
            java.util.function.Function<software.amazon.awssdk.http.SdkHttpRequest, String> body) {
        return canned(builder, (Responder) (request, sent) -> Answer.ok(body.apply(request)));
    }

    /**
     * A client of {@code builder}'s service whose HTTP client is {@code responder}, in process: nothing leaves the
     * JVM. With throwaway credentials, so that signing runs too.
     */
    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C canned(B builder, Responder responder) {
        builder.httpClient(new StreamingCannedClient(responder));
        return builder.overrideConfiguration(c -> c.putExecutionAttribute(PRIMING, Boolean.TRUE))
                .region(Region.AP_SOUTHEAST_2)
                // Session credentials, the kind a function on Lambda signs with (a security token header too).
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create("priming", "priming", "priming")))
                .endpointOverride(URI.create("http://localhost"))
                .build();
    }

    /**
     * Answers every request 200 with one body, after reading the request's body to its end as an HTTP client sends
     * it (the SDK's canned client never reads it, so payload signing, chunked encoding and checksums would load only
     * on the first real call), with the CRC32 header DynamoDB sends (so the response's checksum is checked too).
     */
    private static final class StreamingCannedClient implements SdkHttpClient {
        private final Responder answers;

        StreamingCannedClient(Responder answers) {
            this.answers = answers;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws java.io.IOException {
                    byte[] sent = new byte[0];
                    if (request.contentStreamProvider().isPresent()) {
                        try (java.io.InputStream in = request.contentStreamProvider().get().newStream()) {
                            sent = in.readAllBytes();
                        }
                    }
                    Answer answer = answers.answer(request.httpRequest(), sent);
                    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(body);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(answer.status()).putHeader("x-amz-crc32", Long.toString(crc.getValue()))
                                    .putHeader("Content-Length", Integer.toString(body.length)).build())
                            .responseBody(AbortableInputStream.create(new java.io.ByteArrayInputStream(body)))
                            .build();
                }

                @Override
                public void abort() {
                    // Nothing in flight: the answer is in memory.
                }
            };
        }

        @Override
        public void close() {
            // Holds nothing.
        }
    }
}
