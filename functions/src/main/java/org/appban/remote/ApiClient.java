package org.appban.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * <p>Requests go through the JDK's {@link HttpURLConnection}, the HTTP stack the AWS SDK's client already loads
 * (and keeps connections alive through), not {@code java.net.http.HttpClient}: that second stack costs a cold start
 * 60-190 ms (its classes, its selector thread, and a TLS context it builds eagerly, measured in a fresh JVM with
 * Lambda's flags) for calls HTTP/1.1 serves as well.
 */
public final class ApiClient {
    /** Which of the API's budgets a request draws from. */
    @FunctionalInterface
    public interface Budgets {
        List<TokenBucket> bucketsFor(String method, String path);

        Budgets NONE = (m, p) -> List.of();
    }

    /** Counters for reports and benchmarks. */
    public record Stats(long sent, long retries, long throttled, long transientFailures, long tokenRenewals) {
    }

    /** How long to wait for a connection; {@code timeout} bounds each wait for the answer. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private final String api;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Random jitter;
    private final Budgets budgets;
    private final Authorizer auth;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong transients = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();

    public ApiClient(String api, Duration timeout, RetryPolicy retry, Sleeper sleeper, Random jitter, Budgets budgets, Authorizer auth) {
        this.api = api;
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
                sent.incrementAndGet();
                response = exchange(request, auth.authorization());
            } catch (java.net.ConnectException | SocketTimeoutException e) {
                String what = e instanceof SocketTimeoutException && !isConnectTimeout(e) ? "no answer within " + timeout.toMillis() + " ms"
                        : "no connection within " + CONNECT_TIMEOUT.toMillis() + " ms";
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
                budgets.bucketsFor(method, path).forEach(TokenBucket::drain);
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

    /** One attempt: the request with its authorization, the whole answer read (so the connection can be reused). */
    private ApiResponse exchange(ApiRequest request, String authorization) throws IOException {
        HttpURLConnection c = (HttpURLConnection) request.uri().toURL().openConnection();
        c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        c.setUseCaches(false);
        c.setInstanceFollowRedirects(false);
        try {
            c.setRequestMethod(request.method());
        } catch (java.net.ProtocolException e) {
            // Not a failure of the remote side: a method this transport has not (PATCH), which no retry changes.
            throw new IllegalArgumentException(api + ": HTTP method " + request.method() + " is not supported", e);
        }
        request.headers().forEach(c::setRequestProperty);
        if (authorization != null) c.setRequestProperty("Authorization", authorization);
        int status;
        try {
            if (request.body() != null) {
                // Not in streaming mode: a streamed request answered 401 makes the connection throw instead of
                // handing the 401 back for the token to be renewed.
                c.setDoOutput(true);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(request.body().getBytes(StandardCharsets.UTF_8));
                }
            }
            status = c.getResponseCode();
        } catch (HttpRetryException e) {
            c.disconnect();
            return new ApiResponse(e.responseCode(), Map.of(), "");
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((name, values) -> {
            if (name != null) headers.put(name, values);
        });
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = "";
        if (in != null) {
            try (in) {
                body = new String(in.readAllBytes(), charset(c.getContentType()));
            }
        }
        return new ApiResponse(status, headers, body);
    }

    private static boolean isConnectTimeout(IOException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect");
    }

    /** The charset a Content-Type names, UTF-8 when it names none (JSON's only encoding on the wire). */
    static Charset charset(String contentType) {
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").trim());
                    } catch (IllegalArgumentException e) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
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
            for (TokenBucket bucket : budgets.bucketsFor(method, path)) bucket.take(sleeper);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, api, "budget", 0, "interrupted", e);
        }
    }

    /** Tells the budgets that the API throttled a request on this path (an inner 429 of a batch). */
    public void throttledOn(String method, String path) {
        throttled.incrementAndGet();
        budgets.bucketsFor(method, path).forEach(TokenBucket::drain);
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
