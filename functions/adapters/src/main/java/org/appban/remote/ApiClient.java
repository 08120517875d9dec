package org.appban.remote;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The throttle-aware HTTP client every MDM and NAC adapter goes through. Per request: take from the API's budget
 * (token buckets sized from the published limits), send with a timeout, and then
 * <ul>
 *   <li>401: renew the token once and retry; a second 401 is an {@link RemoteFailure.Kind#AUTH} failure;</li>
 *   <li>429: wait the Retry-After (capped) or back off exponentially with jitter when there is none, and retry;</li>
 *   <li>500/502/503/504, timeouts, broken connections: back off and retry;</li>
 *   <li>anything else is handed back for the adapter to map.</li>
 * </ul>
 * Retries are bounded; running out gives a typed {@link RemoteFailure} (THROTTLED or TRANSIENT).
 *
 * <p>Each attempt goes through a {@link Transport}: HTTP on the wire ({@link Transport#HTTP}), or canned answers when
 * SnapStart priming runs an adapter's path.
 */
public final class ApiClient {
    /** Which of the API's budgets a request draws from. */
    @FunctionalInterface
    public interface Budgets {
        List<RateLimit> bucketsFor(String method, String path);

        Budgets NONE = (m, p) -> List.of();
    }

    /** Counters for reports and benchmarks. */
    public record Stats(long sent, long retries, long throttled, long transientFailures, long tokenRenewals) {
    }

    private final String api;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Random jitter;
    private final Budgets budgets;
    private final Authorizer auth;
    private final Transport transport;
    private final ConnectionLimit connections;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong transients = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();

    /** With the options' timeout, retries, waits and transport. */
    public ApiClient(String api, RemoteOptions options, Budgets budgets, Authorizer auth) {
        this(api, options, budgets, auth, ConnectionLimit.NONE);
    }

    /** ... and at most as many requests in flight as {@code connections} lets through (over every client that shares it). */
    public ApiClient(String api, RemoteOptions options, Budgets budgets, Authorizer auth, ConnectionLimit connections) {
        this(api, options.timeout(), options.retry(), options.sleeper(), options.jitter(), budgets, auth, options.transport(), connections);
    }

    public ApiClient(String api, Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Budgets budgets, Authorizer auth,
                     Transport transport) {
        this(api, timeout, retry, sleeper, jitter, budgets, auth, transport, ConnectionLimit.NONE);
    }

    private ApiClient(String api, Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Budgets budgets, Authorizer auth,
                      Transport transport, ConnectionLimit connections) {
        this.api = api;
        this.connections = connections;
        this.transport = transport;
        this.timeout = timeout;
        this.retry = retry;
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.budgets = budgets;
        this.auth = auth;
    }

    public String api() {
        return api;
    }

    public Stats stats() {
        return new Stats(sent.get(), retries.get(), throttled.get(), transients.get(), renewals.get());
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    public Authorizer authorizer() {
        return auth;
    }

    /** Sends the request as described above. */
    public ApiResponse send(String operation, ApiRequest request) {
        String method = request.method();
        String path = request.uri().getPath();
        boolean renewed = false;
        int failures = 0;
        while (true) {
            acquire(method, path);
            ApiResponse response;
            try {
                response = exchange(request);
            } catch (java.net.ConnectException | SocketTimeoutException e) {
                String what = e instanceof SocketTimeoutException && !isConnectTimeout(e) ? "no answer within " + timeout.toMillis() + " ms"
                        : "no connection within " + UrlConnectionTransport.CONNECT_TIMEOUT.toMillis() + " ms";
                failures = transientFailure(operation, failures, 0, e instanceof java.net.ConnectException ? "connection refused" : what, e);
                continue;
            } catch (IOException e) {
                failures = transientFailure(operation, failures, 0, "connection failed: " + e.getClass().getSimpleName(), e);
                continue;
            }
            int status = response.status();
            if (status == 401) {
                if (renewed) throw new RemoteFailure(RemoteFailure.Kind.AUTH, api, operation, 401, "credentials refused after renewing the token");
                renewed = true;
                renewals.incrementAndGet();
                auth.invalidate();
                continue;
            }
            if (status == 429) {
                throttled.incrementAndGet();
                budgets.bucketsFor(method, path).forEach(RateLimit::drain);
                failures++;
                if (failures >= retry.maxAttempts()) {
                    throw new RemoteFailure(RemoteFailure.Kind.THROTTLED, api, operation, 429, "still throttled after " + failures + " attempts");
                }
                int soFar = failures;
                pause(retryAfter(response.header("Retry-After")).map(retry::honour).orElseGet(() -> retry.backoff(soFar, jitter)));
                retries.incrementAndGet();
                continue;
            }
            if (status == 500 || status == 502 || status == 503 || status == 504) {
                failures = transientFailure(operation, failures, status, "server error", null);
                continue;
            }
            return response;
        }
    }

    private ApiResponse exchange(ApiRequest request) throws IOException {
        try {
            connections.enter(sleeper);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, api, "connection", 0, "interrupted", e);
        }
        try {
            sent.incrementAndGet();
            return transport.exchange(api, request, auth.authorization(), timeout);
        } finally {
            connections.exit();
        }
    }

    private static boolean isConnectTimeout(IOException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect");
    }

    private int transientFailure(String operation, int failures, int status, String what, Throwable cause) {
        transients.incrementAndGet();
        int n = failures + 1;
        if (n >= retry.maxAttempts()) {
            throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, api, operation, status, what + ", " + n + " attempts", cause);
        }
        retries.incrementAndGet();
        pause(retry.backoff(n, jitter));
        return n;
    }

    /** Takes one request's worth from every budget the request draws on (also used per inner request of a batch). */
    public void acquire(String method, String path) {
        try {
            for (RateLimit bucket : budgets.bucketsFor(method, path)) bucket.take(sleeper);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, api, "budget", 0, "interrupted", e);
        }
    }

    /**
     * Takes one request's worth from every budget the request draws on if that needs no wait; false otherwise, and
     * the permits already taken from its earlier budgets go back unused. (They used to lapse: a sixth of Graph's
     * device writes budget went that way in {@code bench budgets}, each time the plentiful budget a write also draws
     * on had no permit at hand.)
     */
    public boolean tryAcquire(String method, String path) {
        List<RateLimit> buckets = budgets.bucketsFor(method, path);
        for (int i = 0; i < buckets.size(); i++) {
            if (!buckets.get(i).takeNow()) {
                for (int j = 0; j < i; j++) buckets.get(j).giveBack();
                return false;
            }
        }
        return true;
    }

    /** Tells the budgets that the API throttled a request on this path (an inner 429 of a batch). */
    public void throttledOn(String method, String path) {
        throttled.incrementAndGet();
        budgets.bucketsFor(method, path).forEach(RateLimit::drain);
    }

    public void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, api, "wait", 0, "interrupted", e);
        }
    }

    public Duration backoff(int failures) {
        return retry.backoff(failures, jitter);
    }

    /** Retry-After in seconds or as an HTTP date; empty when absent or unreadable. */
    public static Optional<Duration> retryAfter(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) return Optional.empty();
        String v = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException e2) {
                return Optional.empty();
            }
        }
    }

    /** Joins a base URI and a path that starts with a slash. */
    public static URI at(URI base, String pathAndQuery) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + pathAndQuery);
    }

    /** Maps an answer the adapter did not expect to a typed failure. */
    public RemoteFailure unexpected(String operation, ApiResponse r) {
        RemoteFailure.Kind kind = switch (r.status()) {
            case 404 -> RemoteFailure.Kind.NOT_FOUND;
            case 403 -> RemoteFailure.Kind.AUTH;
            case 405, 501 -> RemoteFailure.Kind.UNSUPPORTED;
            default -> RemoteFailure.Kind.PERMANENT;
        };
        String body = r.body() == null ? "" : r.body();
        return new RemoteFailure(kind, api, operation, r.status(), body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
}
