package org.appban.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.json.Json;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls the admin function URL as its AWS_IAM auth expects: each request signed with SigV4 (the SDK's
 * {@link AwsV4HttpSigner}, service {@code lambda}) from the caller's own credentials, so that Lambda proves who they
 * are to the function.
 */
final class AdminClient {
    /** Headers java.net.http sets itself (and refuses to be given): the signer's values for them are the same. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** The function's answer: the HTTP status and the admin report in the body (or the error Lambda gave). */
    record Answer(int status, JsonNode report, String raw) {
    }

    private final URI url;
    private final String region;
    private final AwsCredentialsIdentity credentials;
    private final HttpClient http;
    private final Clock clock;

    AdminClient(URI url, String region, AwsCredentialsIdentity credentials, Clock clock) {
        this.url = url.getPath().isEmpty() ? url.resolve("/") : url;
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    Answer call(JsonNode request) throws IOException, InterruptedException {
        String body = Json.write(request);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(url)
                .putHeader("content-type", "application/json").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.request(unsigned).identity(credentials)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        HttpRequest.Builder out = HttpRequest.newBuilder(signed.request().getUri()).timeout(Duration.ofMinutes(6))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) continue;
            for (String v : h.getValue()) out.header(h.getKey(), v);
        }
        HttpResponse<String> response = http.send(out.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode report = null;
        try {
            report = Json.parse(response.body());
        } catch (IOException notJson) {
            // Lambda's own errors (403 Forbidden, 502) may not be the function's JSON; the raw text says what happened.
        }
        return new Answer(response.statusCode(), report, response.body());
    }
}
