package org.appban.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.identity.FunctionUrlEvent;
import org.appban.json.Json;
import org.appban.lambda.LocalContext;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A stand-in for Lambda's function URL front with AuthType AWS_IAM, on loopback: it checks each request's SigV4
 * signature against the credentials it knows (by re-signing the request with the SDK's signer at the request's
 * own time and comparing), answers 403 as Lambda does when it does not verify, and otherwise builds the event
 * Lambda would, with {@code requestContext.authorizer.iam} naming the principal the access key belongs to, and
 * hands it to a {@link Backend}: the in-process handler today, the runtime interface emulator tomorrow.
 */
public final class FunctionUrlFront implements AutoCloseable {
    /** Where an event goes: returns the function's response document (what Lambda would get back). */
    public interface Backend {
        String invoke(String event) throws IOException;

        /** The handler in this process, invoked through its stream entry point as Lambda would. */
        static Backend inProcess(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String functionName) {
            return event -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, LocalContext.invocation(functionName));
                return out.toString(StandardCharsets.UTF_8);
            };
        }
    }

    /** An access key the front knows: its secret and the principal AWS would report for it. */
    public record Key(String accessKeyId, String secretAccessKey, String principalArn, String callerId) {
    }

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Lambda, like every SigV4 service, refuses a request signed more than five minutes from its own clock. */
    static final Duration SKEW = Duration.ofMinutes(5);

    private final HttpServer server;
    private final Map<String, Key> keys;
    private final String region;
    private final Backend backend;
    private final Clock clock;

    public FunctionUrlFront(List<Key> keys, String region, Backend backend, Clock clock) throws IOException {
        this.keys = new LinkedHashMap<>();
        keys.forEach(k -> this.keys.put(k.accessKeyId(), k));
        this.region = region;
        this.backend = backend;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Key key = verify(exchange, body);
            if (key == null) {
                send(exchange, 403, "{\"Message\":\"Forbidden\"}");
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String host = headers.getOrDefault("host", "127.0.0.1");
            ObjectNode event = FunctionUrlEvent.post(host, exchange.getRequestURI().getRawPath(), headers,
                    new String(body, StandardCharsets.UTF_8), key.principalArn(), key.callerId(), key.accessKeyId(), clock.instant());
            JsonNode response = Json.parse(backend.invoke(Json.write(event)));
            if (response.has("statusCode")) {
                String text = response.path("body").asText("");
                if (response.path("isBase64Encoded").asBoolean(false)) text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
                send(exchange, response.path("statusCode").asInt(), text);
            } else {
                send(exchange, 200, Json.write(response));
            }
        } catch (RuntimeException e) {
            // The function failed: Lambda answers 502 without its details.
            try {
                send(exchange, 502, "{\"Message\":\"Internal Server Error\"}");
            } catch (IOException ignored) {
                // the client went away
            }
        }
    }

    /** The key that signed the request, or null when the signature does not verify (or is too old or new). */
    private Key verify(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("authorization");
        String date = exchange.getRequestHeaders().getFirst("x-amz-date");
        if (authorization == null || date == null) return null;
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches() || !m.group(3).equals(region) || !m.group(4).equals("lambda")) return null;
        Key key = keys.get(m.group(1));
        if (key == null) return null;
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(date));
        } catch (RuntimeException e) {
            return null;
        }
        if (Duration.between(signedAt, clock.instant()).abs().compareTo(SKEW) > 0) return null;
        // Re-sign what arrived, over exactly the headers the client signed, at the client's time.
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(exchange.getRequestMethod()))
                .uri(URI.create("http://" + exchange.getRequestHeaders().getFirst("host") + exchange.getRequestURI().getRawPath()));
        for (String name : m.group(5).split(";")) {
            if (name.equals("host") || name.equals("x-amz-date")) continue;
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values == null) return null;
            request.putHeader(name, values);
        }
        AwsCredentialsIdentity identity = AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey());
        String expected = AwsV4HttpSigner.create().sign(r -> r.request(request.build()).identity(identity)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElse("");
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), authorization.getBytes(StandardCharsets.UTF_8)) ? key : null;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
