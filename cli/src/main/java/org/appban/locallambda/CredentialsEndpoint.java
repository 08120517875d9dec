package org.appban.locallambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the Lambda runtime serves a SnapStart function instead of key variables: its credentials at
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, to a caller that sends {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} in the
 * {@code Authorization} header (any other caller gets 401, and is counted).
 *
 * <p>Each fetch hands out a new set (the AWS emulator accepts any key), expiring {@code lifetime} after it was
 * issued. The SDK's container provider fetches again 15 minutes before expiry, so a lifetime of 15 minutes and a
 * few seconds makes a running function rotate its credentials every few seconds: a function that kept the set it
 * got first (or one from before its snapshot) would show here as one fetch where there should be several.
 */
public final class CredentialsEndpoint implements AutoCloseable {
    public static final String PATH = "/2021-04-23/credentials";
    /** The SDK refreshes this long before a set expires. */
    private static final Duration SDK_PREFETCH = Duration.ofMinutes(15);

    private final HttpServer server;
    private final String token;
    private final Duration lifetime;
    private final Clock clock;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private CredentialsEndpoint(HttpServer server, String token, Duration lifetime, Clock clock) {
        this.server = server;
        this.token = token;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** An endpoint on a free loopback port whose credentials are refreshed {@code rotateEvery} after issue. */
    public static CredentialsEndpoint start(Duration rotateEvery) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        CredentialsEndpoint endpoint = new CredentialsEndpoint(server, HexFormat.of().formatHex(random), SDK_PREFETCH.plus(rotateEvery),
                Clock.systemUTC());
        server.createContext(PATH, endpoint::serve);
        server.start();
        return endpoint;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** The value of {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}. */
    public String token() {
        return token;
    }

    /** Sets handed out so far. */
    public int issued() {
        return issued.get();
    }

    /** Requests refused for a missing or wrong token. */
    public int refused() {
        return refused.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!"GET".equals(exchange.getRequestMethod()) || !token.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                send(exchange, 401, "{\"Code\":\"InvalidToken\",\"Message\":\"missing or wrong Authorization token\"}");
                return;
            }
            int n = issued.incrementAndGet();
            Instant expiration = clock.instant().plus(lifetime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            send(exchange, 200, "{\"AccessKeyId\":\"ASIALOCALLAMBDA" + n + "\",\"SecretAccessKey\":\"local-secret-" + n
                    + "\",\"Token\":\"local-session-" + n + "\",\"Expiration\":\"" + expiration + "\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
