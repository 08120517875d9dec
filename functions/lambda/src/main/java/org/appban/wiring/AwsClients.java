package org.appban.wiring;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the AWS SDK clients a function needs, once per container, on the lean URLConnection HTTP client.
 *
 * <p>The region comes from {@code AWS_REGION} (set by Lambda). When {@code AWS_ENDPOINT_URL} is set (LocalStack,
 * moto, or any other emulator), every client talks to it; on Lambda it is unset and the SDK uses the real
 * endpoints. On Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} set) credentials come from {@link FunctionCredentials}:
 * the runtime's variables, or with SnapStart its container endpoint, and never the default chain's probing at cold
 * start; elsewhere (the CLI, tests) from the SDK's default chain.
 */
public final class AwsClients {
    private final Region region;
    private final Optional<URI> endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;

    public AwsClients(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.http = UrlConnectionHttpClient.builder().build();
    }

    /** Clients configured from the process environment (Lambda, the CLI, or tests that set the emulator's URL). */
    public static AwsClients fromEnvironment() {
        return from(Settings.fromEnvironment());
    }

    /** Clients configured from the runtime's variables in {@code settings} (never from template.yaml's). */
    public static AwsClients from(Settings settings) {
        String regionName = settings.optional("AWS_REGION").or(() -> settings.optional("AWS_DEFAULT_REGION")).orElse("ap-southeast-2");
        Optional<URI> endpoint = settings.optional("AWS_ENDPOINT_URL").map(String::strip).map(URI::create);
        AwsCredentialsProvider credentials = settings.optional("AWS_LAMBDA_FUNCTION_NAME").isPresent()
                ? FunctionCredentials.from(settings)
                : DefaultCredentialsProvider.builder().build();
        return new AwsClients(Region.of(regionName), endpoint, credentials);
    }

    public Region region() {
        return region;
    }

    public Optional<URI> endpoint() {
        return endpoint;
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder().httpClient(http)).build();
    }

    public S3Client s3() {
        // Emulators serve buckets on the path, not as virtual hosts.
        return configure(S3Client.builder().httpClient(http)).forcePathStyle(endpoint.isPresent()).build();
    }

    /**
     * SES v2, without SDK retries: a retry after a timeout could send an email twice, and throttling is retried by
     * {@code RateLimitedMailer}, which knows the send rate. Named after the API version because SES v1 (a different
     * SDK module) is not used.
     */
    public SesV2Client sesV2() {
        return configure(SesV2Client.builder().httpClient(http))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build())
                .build();
    }

    public EventBridgeClient eventBridge() {
        return configure(EventBridgeClient.builder().httpClient(http)).build();
    }

    public SsmClient ssm() {
        return configure(SsmClient.builder().httpClient(http)).build();
    }

    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder().httpClient(http)).build();
    }

    public SnsClient sns() {
        return configure(SnsClient.builder().httpClient(http)).build();
    }

    public SqsClient sqs() {
        return configure(SqsClient.builder().httpClient(http)).build();
    }

    /** Applies region, credentials and the endpoint override to any service's builder. */
    public <B extends AwsClientBuilder<B, C>, C> B configure(B builder) {
        builder.region(region).credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder().build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

}
