package org.appban.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.appban.wiring.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The AWS emulator every integration test talks to over real HTTP: started once per JVM on first use, shared by
 * all test classes, stopped when the JVM exits. Tests isolate themselves with unique names (see
 * {@link #uniquePrefix}), not by resetting the emulator, so test classes may share it freely.
 *
 * <p>Which emulator, in this order:
 * <ol>
 *   <li>{@code AWS_ENDPOINT_URL}, when set: an emulator someone already runs (region from {@code AWS_REGION},
 *       credentials from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, or dummies);</li>
 *   <li>LocalStack ({@value LocalStackEmulator#IMAGE}) through Testcontainers, when a Docker engine answers;</li>
 *   <li>moto ({@value MotoServer#REQUIREMENT}) installed into a virtualenv under functions/target/emulator and run
 *       on a free 127.0.0.1 port.</li>
 * </ol>
 * {@code -Dappban.emulator=moto|localstack} (or {@code APPBAN_EMULATOR}) forces one of the last two.
 */
public final class AwsEmulator {
    public enum Kind { EXTERNAL, LOCALSTACK, MOTO }

    private static AwsEmulator shared;
    private static IllegalStateException unavailable;

    private final Kind kind;
    private final URI endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final AwsClients clients;
    private DynamoDbClient dynamoDb;

    AwsEmulator(Kind kind, URI endpoint, String region, String accessKey, String secretKey) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.region = Region.of(region);
        this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        this.clients = new AwsClients(this.region, Optional.of(endpoint), credentials);
    }

    /** The emulator for this JVM, started on the first call. */
    public static synchronized AwsEmulator shared() {
        // Fail every later test the same way, fast, instead of retrying an install or a container per test.
        if (unavailable != null) throw new IllegalStateException(unavailable.getMessage(), unavailable);
        if (shared == null) {
            long started = System.nanoTime();
            try {
                shared = start();
            } catch (IllegalStateException e) {
                unavailable = e;
                throw e;
            }
            System.err.println("[appban] AWS emulator: " + shared.kind.name().toLowerCase(Locale.ROOT) + " at " + shared.endpoint
                    + ", ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        return shared;
    }

    public Kind kind() {
        return kind;
    }

    public URI endpoint() {
        return endpoint;
    }

    public Region region() {
        return region;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** Builds clients the way the functions do, pointed at the emulator. */
    public AwsClients clients() {
        return clients;
    }

    /** One DynamoDB client shared by the tests (clients are thread-safe and costly to build). */
    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) dynamoDb = clients.dynamoDb();
        return dynamoDb;
    }

    /**
     * A prefix no other test run shares, for table, bucket and queue names: lower-case letters, digits and hyphens,
     * so it is valid in any of them.
     */
    public static String uniquePrefix(String label) {
        String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String random = Long.toString(Math.abs(System.nanoTime() ^ Double.doubleToLongBits(Math.random())), 36);
        return "it-" + clean + "-" + random + "-";
    }

    /**
     * Empties a moto server this JVM started itself ({@code POST /moto-api/reset}). Refused otherwise: an external
     * emulator may be shared with other runs, and LocalStack has no such switch. Only safe while no other test
     * class runs in parallel.
     */
    public void resetPrivateMoto() {
        if (kind != Kind.MOTO) throw new IllegalStateException("reset only applies to the moto server this JVM started, not to " + kind);
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset")).POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) throw new IllegalStateException("moto reset answered " + response.statusCode());
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting moto", e);
        }
    }

    private static AwsEmulator start() {
        String external = System.getenv("AWS_ENDPOINT_URL");
        if (external != null && !external.isBlank()) return external(URI.create(external.trim()));

        String forced = setting("appban.emulator", "APPBAN_EMULATOR");
        List<String> tried = new ArrayList<>();
        if (forced == null || forced.equals("localstack")) {
            if (!LocalStackEmulator.dockerAvailable()) {
                tried.add("LocalStack: no Docker engine answered");
            } else {
                try {
                    return LocalStackEmulator.start();
                } catch (RuntimeException e) {
                    // e.g. the image cannot be pulled: moto may still work.
                    tried.add("LocalStack: " + e);
                }
            }
        }
        if (forced == null || forced.equals("moto")) {
            try {
                MotoServer moto = MotoServer.start(ProjectLayout.emulatorHome());
                Runtime.getRuntime().addShutdownHook(new Thread(moto::close, "appban-moto-stop"));
                return new AwsEmulator(Kind.MOTO, moto.endpoint(), defaultRegion(), "test", "test");
            } catch (IOException | RuntimeException e) {
                tried.add("moto: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tried.add("moto: interrupted while starting");
            }
        }
        if (forced != null && !forced.equals("moto") && !forced.equals("localstack")) {
            tried.add("appban.emulator/APPBAN_EMULATOR is '" + forced + "'; expected moto or localstack");
        }
        throw new IllegalStateException("""
                No AWS emulator for the integration tests. Provide one of:
                  (a) AWS_ENDPOINT_URL=http://host:port of a running emulator (LocalStack or moto server);
                  (b) a Docker engine, so Testcontainers can start %s;
                  (c) python3 with pip and access to PyPI, so %s can be installed under %s.
                Or skip the integration tests with -Dappban.it.skip=true.
                Tried: %s""".formatted(LocalStackEmulator.IMAGE, MotoServer.REQUIREMENT, ProjectLayout.emulatorHome(),
                String.join("; ", tried)));
    }

    private static AwsEmulator external(URI endpoint) {
        String accessKey = Optional.ofNullable(System.getenv("AWS_ACCESS_KEY_ID")).filter(s -> !s.isBlank()).orElse("test");
        String secretKey = Optional.ofNullable(System.getenv("AWS_SECRET_ACCESS_KEY")).filter(s -> !s.isBlank()).orElse("test");
        return new AwsEmulator(Kind.EXTERNAL, endpoint, defaultRegion(), accessKey, secretKey);
    }

    private static String defaultRegion() {
        for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) return value.trim();
        }
        return "ap-southeast-2";
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) value = System.getenv(variable);
        return value == null || value.isBlank() || value.equalsIgnoreCase("auto") ? null : value.trim().toLowerCase(Locale.ROOT);
    }
}
