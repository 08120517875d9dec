package org.appban.aws;

import org.appban.wiring.FunctionCredentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.appban.coldstart.BaselineHandler;
import org.appban.wiring.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A function's credentials on Lambda: with SnapStart the runtime sets no AWS_ACCESS_KEY_ID, only a container
 * endpoint and its token; the function's first AWS call must still be signed, and a restore must not reuse what the
 * snapshot cached.
 */
class FunctionCredentialsTest {
    private static final String TOKEN = "snapstart-authorization-token";
    /**
     * The SDK's container provider reads the endpoint and token from these system properties before the environment
     * variables of the same meaning (which a test cannot set in its own JVM).
     */
    private static final String TOKEN_PROPERTY = "aws.containerAuthorizationToken";
    private static final String URI_PROPERTY = "aws.containerCredentialsFullUri";

    private HttpServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> refusedTokens = new CopyOnWriteArrayList<>();
    private final List<String> signedWith = new CopyOnWriteArrayList<>();
    private String base;
    /** How long the endpoint's credentials last. */
    private volatile java.time.Duration lifetime = java.time.Duration.ofHours(1);

    /** One local server plays both parts: the runtime's credentials endpoint and DynamoDB. */
    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/credentials", exchange -> {
            String token = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body;
            if (!TOKEN.equals(token)) {
                refusedTokens.add(String.valueOf(token));
                body = "{\"message\":\"bad token\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(403, body.length);
            } else {
                int n = issued.incrementAndGet();
                body = ("{\"AccessKeyId\":\"ASIACONTAINER" + n + "\",\"SecretAccessKey\":\"secret" + n + "\",\"Token\":\"session" + n
                        + "\",\"Expiration\":\"" + Instant.now().plus(lifetime) + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
            }
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            signedWith.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        System.setProperty(TOKEN_PROPERTY, TOKEN);
        System.setProperty(URI_PROPERTY, base + "/credentials");
    }

    @AfterEach
    void stop() {
        System.clearProperty(TOKEN_PROPERTY);
        System.clearProperty(URI_PROPERTY);
        Settings.overlay(Map.of());
        server.stop(0);
    }

    /** What Lambda sets for a SnapStart function: no key variables (blanked here, whatever this JVM inherited). */
    private Map<String, String> snapStart() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_LAMBDA_FUNCTION_NAME", "appban-test-BaselineFunction");
        env.put("AWS_REGION", "ap-southeast-2");
        env.put("AWS_ENDPOINT_URL", base);
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", base + "/credentials");
        env.put("AWS_ACCESS_KEY_ID", "");
        env.put("AWS_SECRET_ACCESS_KEY", "");
        env.put("AWS_SESSION_TOKEN", "");
        return env;
    }

    @Test
    void a_snapstart_functions_first_aws_call_is_signed_with_the_container_endpoints_credentials() throws IOException {
        Map<String, String> env = snapStart();
        env.put("BASELINE_TABLE", "baseline");
        Settings.overlay(env);

        BaselineHandler handler = new BaselineHandler();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null);

        assertEquals("{\"found\":false}", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), refusedTokens);
        assertEquals(1, signedWith.size());
        assertTrue(signedWith.get(0).contains("Credential=ASIACONTAINER1/"), signedWith.get(0));
    }

    @Test
    void credentials_cached_before_a_snapshot_are_not_used_after_the_restore() {
        FunctionCredentials credentials = FunctionCredentials.from(new Settings(snapStart()));
        AwsCredentials beforeSnapshot = credentials.resolveCredentials();
        assertEquals(beforeSnapshot.accessKeyId(), credentials.resolveCredentials().accessKeyId(), "cached while they are valid");
        assertEquals(1, issued.get());

        credentials.beforeCheckpoint(null);
        credentials.afterRestore(null);

        AwsCredentials afterRestore = credentials.resolveCredentials();
        assertEquals(2, issued.get(), "a restored function fetches its own");
        assertNotEquals(beforeSnapshot.accessKeyId(), afterRestore.accessKeyId());
        assertEquals("session2", ((AwsSessionCredentials) afterRestore).sessionToken());
    }

    @Test
    void a_restore_starts_fetching_its_credentials_at_once_and_the_first_call_uses_that_fetch() throws InterruptedException {
        FunctionCredentials credentials = FunctionCredentials.from(new Settings(snapStart()));
        credentials.beforeCheckpoint(null);
        assertEquals(0, issued.get(), "nothing is fetched before the snapshot");

        credentials.afterRestore(null);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (issued.get() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(1, issued.get(), "fetched after the restore without waiting for a call");

        assertEquals("ASIACONTAINER1", credentials.resolveCredentials().accessKeyId());
        assertEquals(1, issued.get(), "the first call found them fetched: one fetch in all");
    }

    @Test
    void a_call_racing_the_restores_early_fetch_still_makes_only_one_fetch() throws InterruptedException {
        FunctionCredentials credentials = FunctionCredentials.from(new Settings(snapStart()));
        credentials.afterRestore(null);
        assertEquals("ASIACONTAINER1", credentials.resolveCredentials().accessKeyId());
        Thread.sleep(200);
        assertEquals(1, issued.get());
    }

    @Test
    void without_snapstart_a_restore_fetches_nothing() throws InterruptedException {
        Map<String, String> env = snapStart();
        env.put("AWS_ACCESS_KEY_ID", "ASIACLASSIC");
        env.put("AWS_SECRET_ACCESS_KEY", "classic-secret");
        FunctionCredentials credentials = FunctionCredentials.from(new Settings(env));
        credentials.beforeCheckpoint(null);
        credentials.afterRestore(null);
        Thread.sleep(200);
        assertEquals(0, issued.get());
    }

    @Test
    void expiring_credentials_are_renewed_during_a_run() throws InterruptedException {
        // The SDK must renew a set a minute before it expires (earlier, at a random moment, when it can): this one
        // is stale a second after it is issued.
        lifetime = java.time.Duration.ofMinutes(1).plusSeconds(1);
        FunctionCredentials credentials = FunctionCredentials.from(new Settings(snapStart()));
        String first = credentials.resolveCredentials().accessKeyId();
        Thread.sleep(1500);
        assertNotEquals(first, credentials.resolveCredentials().accessKeyId());
        assertTrue(issued.get() >= 2);
    }

    @Test
    void without_snapstart_the_runtimes_key_variables_are_used_and_the_endpoint_is_not_asked() {
        Map<String, String> env = snapStart();
        env.put("AWS_ACCESS_KEY_ID", "ASIACLASSIC");
        env.put("AWS_SECRET_ACCESS_KEY", "classic-secret");
        env.put("AWS_SESSION_TOKEN", "classic-session");
        AwsCredentials c = FunctionCredentials.from(new Settings(env)).resolveCredentials();
        assertEquals("ASIACLASSIC", c.accessKeyId());
        assertEquals("classic-session", ((AwsSessionCredentials) c).sessionToken());
        assertEquals(0, issued.get());
    }

    @Test
    void a_wrong_token_is_refused_by_the_endpoint_and_reported_by_the_call() {
        System.setProperty(TOKEN_PROPERTY, "someone-elses-token");
        FunctionCredentials credentials = FunctionCredentials.from(new Settings(snapStart()));
        assertThrows(SdkClientException.class, credentials::resolveCredentials);
        assertEquals("someone-elses-token", refusedTokens.get(0));
    }

    @Test
    void with_neither_the_error_names_the_variables_lambda_would_have_set() {
        Map<String, String> env = snapStart();
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "");
        SdkClientException e = assertThrows(SdkClientException.class, () -> FunctionCredentials.from(new Settings(env)).resolveCredentials());
        assertTrue(e.getMessage().contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"), e.getMessage());
        assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
    }
}
