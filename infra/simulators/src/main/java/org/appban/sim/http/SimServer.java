package org.appban.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.appban.sim.world.SimWorld;

/**
 * The part every simulator shares: a real HTTP server on 127.0.0.1 (JDK's built-in server), the request log,
 * latency, injected faults, published budgets, and the {@code /_sim/} control endpoints. A subclass supplies the
 * API: its routes, its authentication and its error envelope.
 *
 * <p>Order for each API request: log it, wait the latency, apply a fault if one is due, check the budgets
 * (429 when spent), authenticate, route.
 */
public abstract class SimServer implements AutoCloseable {
    private final String api;
    protected final SimWorld world;
    protected final SimSettings settings;
    protected final Tokens tokens;
    private final RequestLog log = new RequestLog();
    private final Faults faults;
    private final Set<String> appListsDisclosed = ConcurrentHashMap.newKeySet();
    private List<RateBudget> budgets = List.of();
    private Capacity capacity;
    /** Requests being answered now, over every client and connection; the most ever; the seconds over the cap. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peakInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final Set<Long> secondsOverConnectionCap = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private ExecutorService executor;
    private URI baseUri;

    protected SimServer(String api, SimWorld world, SimSettings settings) {
        this.api = api;
        this.world = world;
        this.settings = settings;
        this.tokens = new Tokens(world.clock());
        this.faults = new Faults(settings.seed());
    }

    /** Starts on an ephemeral port of 127.0.0.1. */
    public SimServer start() {
        return start(0);
    }

    public synchronized SimServer start(int port) {
        if (server != null) return this;
        // Without TCP_NODELAY the JDK server's separate writes of headers and body meet the client's delayed ACK:
        // about 40 ms per response. Read once, when the JDK's server first loads, so set before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(api + " simulator cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        baseUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        budgets = settings.budgetsOn() ? budgets(System::nanoTime) : List.of();
        capacity = capacityPerSecond() > 0 ? new Capacity(capacityPerSecond(), System::nanoTime) : null;
        return this;
    }

    public URI baseUri() {
        if (baseUri == null) throw new IllegalStateException(api + " simulator is not started");
        return baseUri;
    }

    public String api() {
        return api;
    }

    public RequestLog requests() {
        return log;
    }

    public Faults faults() {
        return faults;
    }

    public SimWorld world() {
        return world;
    }

    /** Every access token issued so far stops working now. */
    public void expireTokensNow() {
        tokens.expireAll();
    }

    /** Fleet ids of the devices whose app list this simulator ever put in a response. */
    public Set<String> appListsDisclosed() {
        return Set.copyOf(appListsDisclosed);
    }

    protected void disclosedAppsOf(String fleetDeviceId) {
        appListsDisclosed.add(fleetDeviceId);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** The API's published budgets. */
    protected abstract List<RateBudget> budgets(java.util.function.LongSupplier nanoTime);

    /**
     * Requests per second the service can take before it degrades ({@link Capacity}), over every client; 0 for a
     * service that throttles with 429s instead (or not at all).
     */
    protected int capacityPerSecond() {
        return 0;
    }

    /** Connections the service's vendor recommends at most at once (0: none); the load report counts the seconds over it. */
    protected int connectionCap() {
        return 0;
    }

    /**
     * How the service bore its load so far, over every client and connection: the most requests in flight at once,
     * the seconds with more in flight than {@link #connectionCap()}, and for a service with a {@link #capacityPerSecond()}
     * the seconds past it and the requests that failed for it.
     */
    public record Load(int peakInFlight, int connectionCap, int secondsOverConnectionCap, int capacityPerSecond, int overloadSeconds,
                       long failedForOverload) {
    }

    public Load load() {
        return new Load(peakInFlight.get(), connectionCap(), secondsOverConnectionCap.size(), capacity == null ? 0 : capacity.perSecond(),
                capacity == null ? 0 : capacity.overloadSeconds(), capacity == null ? 0 : capacity.failed());
    }

    /** Null when the request may proceed, else the API's 401 answer. */
    protected abstract SimResponse authenticate(SimRequest r);

    protected abstract SimResponse route(SimRequest r);

    /** The API's error envelope. */
    protected abstract SimResponse error(int status, String code, String message);

    /** Runs one request through faults, budgets, authentication and routing (also used for a batch's inner requests). */
    protected SimResponse process(SimRequest r) {
        Fault fault = faults.decide(r);
        if (fault instanceof Fault.Hang h) {
            sleep(h.duration());
            return error(504, "GatewayTimeout", "the simulator hung this request on purpose");
        }
        if (fault instanceof Fault.ServerError e) {
            return error(e.status(), "ServiceUnavailable", "injected transient failure");
        }
        if (fault instanceof Fault.Throttle t) {
            return throttled(t.retryAfterSeconds(), "injected throttling");
        }
        for (RateBudget b : budgets) {
            if (!b.appliesTo(r)) continue;
            long wait = b.take();
            if (wait > 0) {
                return throttled(settings.retryAfterOnThrottle() ? wait : null, "budget '" + b.name() + "' (" + b.limit() + " per window) is spent");
            }
        }
        SimResponse denied = authenticate(r);
        if (denied != null) return denied;
        try {
            world.catchUp();
            return route(r);
        } catch (HttpFailure f) {
            return error(f.status(), f.code(), f.getMessage());
        } catch (RuntimeException e) {
            return error(500, "InternalServerError", "simulator failure: " + e);
        }
    }

    protected SimResponse throttled(Long retryAfterSeconds, String why) {
        SimResponse r = error(429, "TooManyRequests", why);
        return retryAfterSeconds == null ? r : r.withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /** Records an inner request of a batch. */
    protected void recordInner(SimRequest r, int status) {
        log.add(new RecordedRequest(log.nextSeq(), api, r.method(), r.path(), r.query(), r.body(),
                world.clock().instant(), Instant.now(), status, true));
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            Instant wall = Instant.now();
            Instant sim = world.clock().instant();
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            URI uri = ex.getRequestURI();
            SimRequest r = new SimRequest(ex.getRequestMethod().toUpperCase(Locale.ROOT), uri.getPath(), uri.getRawQuery(), headers, body, false);
            SimResponse response;
            boolean control = r.path().startsWith("/_sim/");
            if (control) {
                response = control(r);
            } else {
                int now = inFlight.incrementAndGet();
                peakInFlight.accumulateAndGet(now, Math::max);
                if (connectionCap() > 0 && now > connectionCap()) secondsOverConnectionCap.add(System.currentTimeMillis() / 1000);
                try {
                    Capacity.Verdict v = capacity == null ? null : capacity.arrive();
                    Duration latency = v == null ? settings.latency() : settings.latency().plus(v.extraLatency());
                    if (!latency.isZero()) sleep(latency);
                    response = v != null && v.fails() ? error(503, "ServiceUnavailable", "the deployment is overloaded") : process(r);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
            if (!control) {
                log.add(new RecordedRequest(log.nextSeq(), api, r.method(), r.path(), r.query(), body, sim, wall, response.status(), false));
            }
            response.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            boolean noBody = response.body().length == 0;
            ex.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
            if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            // The client went away (e.g. it timed out on a hung request): nothing to answer.
        }
    }

    /** Control endpoints for a driver outside the JVM (the CLI): clock, tokens, the request log, the world's history. */
    private SimResponse control(SimRequest r) {
        String p = r.path();
        try {
            if (p.equals("/_sim/clock") && r.method().equals("GET")) {
                return SimResponse.ok(Json.object().put("now", world.clock().instant().toString()));
            }
            if (p.equals("/_sim/clock/advance") && r.method().equals("POST")) {
                world.clock().advance(Duration.parse(r.param("by").orElseThrow(() -> new HttpFailure(400, "BadRequest", "by= is required (e.g. PT1H)"))));
                return SimResponse.ok(Json.object().put("now", world.clock().instant().toString()));
            }
            if (p.equals("/_sim/clock/set") && r.method().equals("POST")) {
                world.clock().set(Instant.parse(r.param("to").orElseThrow(() -> new HttpFailure(400, "BadRequest", "to= is required"))));
                return SimResponse.ok(Json.object().put("now", world.clock().instant().toString()));
            }
            if (p.equals("/_sim/tokens/expire") && r.method().equals("POST")) {
                expireTokensNow();
                return SimResponse.empty(204);
            }
            if (p.equals("/_sim/requests") && r.method().equals("GET")) {
                ArrayNode out = Json.array();
                for (RecordedRequest q : log.all()) {
                    ObjectNode o = out.addObject();
                    o.put("seq", q.seq()).put("method", q.method()).put("path", q.path()).put("query", q.query())
                            .put("status", q.status()).put("simTime", q.simTime().toString()).put("wallMillis", q.wallTime().toEpochMilli())
                            .put("inner", q.inner());
                }
                return SimResponse.ok(out);
            }
            if (p.equals("/_sim/load") && r.method().equals("GET")) {
                Load l = load();
                return SimResponse.ok(Json.object().put("peakInFlight", l.peakInFlight()).put("connectionCap", l.connectionCap())
                        .put("secondsOverConnectionCap", l.secondsOverConnectionCap()).put("capacityPerSecond", l.capacityPerSecond())
                        .put("overloadSeconds", l.overloadSeconds()).put("failedForOverload", l.failedForOverload()));
            }
            if (p.equals("/_sim/world") && r.method().equals("GET")) {
                ArrayNode out = Json.array();
                world.devices().forEach(d -> out.addObject().put("id", d.id()).put("present", d.present()).put("enrolled", d.enrolled())
                        .put("compliance", d.compliance()).putPOJO("apps", new ArrayList<>(d.apps())));
                return SimResponse.ok(out);
            }
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            return SimResponse.json(400, Json.object().put("error", e.getMessage()));
        } catch (HttpFailure f) {
            return SimResponse.json(f.status(), Json.object().put("error", f.getMessage()));
        }
        return SimResponse.json(404, Json.object().put("error", "no control endpoint " + r.method() + " " + p));
    }

    protected static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    protected static String bearer(SimRequest r) {
        return r.header("authorization").filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim()).orElse(null);
    }
}
