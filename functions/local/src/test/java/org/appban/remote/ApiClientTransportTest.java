package org.appban.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link ApiClient} does on the wire, against a local HTTP server: what it sends, how it answers a 401 to a
 * request with a body (renews the token and sends the same body again), a 429, a server that does not answer, and
 * one that is not there. Waits go through a recording sleeper, so nothing here sleeps.
 */
class ApiClientTransportTest {
    private HttpServer server;
    private URI base;
    private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    private final List<Duration> waits = new ArrayList<>();
    private final Sleeper sleeper = waits::add;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ApiClient client(Duration timeout, Authorizer auth) {
        return new ApiClient("test", timeout, new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                sleeper, new Random(1), ApiClient.Budgets.NONE, auth, Transport.HTTP);
    }

    private static void answer(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
        ex.close();
    }

    @Test
    void a_request_goes_out_with_its_method_headers_body_and_authorization_and_the_whole_answer_comes_back() {
        server.createContext("/things", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + ex.getRequestHeaders().getFirst("Authorization") + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(ex, 201, "{\"id\":\"t-1\",\"name\":\"é\"}", Map.of("Content-Type", "application/json; charset=utf-8", "X-Request", "r-9"));
        });
        ApiResponse r = client(Duration.ofSeconds(5), fixed("Bearer abc")).send("create",
                ApiRequest.to(ApiClient.at(base, "/things?x=1")).header("Content-Type", "application/json").post("{\"name\":\"é\"}"));
        assertEquals(List.of("POST /things?x=1 application/json Bearer abc {\"name\":\"é\"}"), List.copyOf(seen));
        assertEquals(201, r.status());
        assertEquals("é", r.json().path("name").asText());
        assertEquals("r-9", r.header("x-request").orElseThrow(), "headers by name in any case");
    }

    @Test
    void a_401_to_a_request_with_a_body_renews_the_token_and_sends_the_same_body_again() {
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/sync", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(ex.getRequestHeaders().getFirst("Authorization") + " " + body);
            if (calls.incrementAndGet() == 1) answer(ex, 401, "", Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
            else answer(ex, 204, "", Map.of());
        });
        AtomicInteger token = new AtomicInteger(1);
        Authorizer renewing = new Authorizer() {
            @Override
            public String authorization() {
                return "Bearer t" + token.get();
            }

            @Override
            public void invalidate() {
                token.incrementAndGet();
            }
        };
        ApiResponse r = client(Duration.ofSeconds(5), renewing).send("sync", ApiRequest.to(ApiClient.at(base, "/sync")).post("{\"a\":1}"));
        assertEquals(204, r.status());
        assertEquals(List.of("Bearer t1 {\"a\":1}", "Bearer t2 {\"a\":1}"), List.copyOf(seen));
    }

    @Test
    void a_429_waits_the_retry_after_then_sends_again() {
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/page", ex -> {
            if (calls.incrementAndGet() == 1) answer(ex, 429, "", Map.of("Retry-After", "3"));
            else answer(ex, 200, "{}", Map.of());
        });
        ApiClient c = client(Duration.ofSeconds(5), Authorizer.NONE);
        assertEquals(200, c.send("page", ApiRequest.to(ApiClient.at(base, "/page"))).status());
        assertEquals(List.of(Duration.ofSeconds(3)), waits);
        assertEquals(1, c.stats().throttled());
    }

    @Test
    void a_server_that_does_not_answer_in_time_is_a_transient_failure_after_the_attempts() {
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "{}", Map.of());
        });
        RemoteFailure f = assertThrows(RemoteFailure.class,
                () -> client(Duration.ofMillis(200), Authorizer.NONE).send("slow", ApiRequest.to(ApiClient.at(base, "/slow"))));
        assertEquals(RemoteFailure.Kind.TRANSIENT, f.kind());
        assertTrue(f.getMessage().contains("no answer within 200 ms"), f.getMessage());
        assertEquals(2, waits.size(), "backed off between the three attempts");
    }

    @Test
    void a_server_that_is_not_there_is_a_transient_failure() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> client(Duration.ofSeconds(1), Authorizer.NONE)
                .send("probe", ApiRequest.to(URI.create("http://127.0.0.1:" + closed + "/x"))));
        assertEquals(RemoteFailure.Kind.TRANSIENT, f.kind());
        assertTrue(f.getMessage().contains("connection refused"), f.getMessage());
    }

    @Test
    void a_method_the_transport_does_not_have_is_refused_at_once_not_retried() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client(Duration.ofSeconds(1), Authorizer.NONE)
                .send("patch", ApiRequest.to(ApiClient.at(base, "/x")).method("PATCH", "{}")));
        assertTrue(e.getMessage().contains("PATCH"), e.getMessage());
        assertEquals(List.of(), waits);
    }

    private static Authorizer fixed(String value) {
        return new Authorizer() {
            @Override
            public String authorization() {
                return value;
            }

            @Override
            public void invalidate() {
            }
        };
    }
}
