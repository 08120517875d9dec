package org.appban.locallambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Between the function's runtime client and the emulator's Runtime API: plays Lambda's side of a SnapStart restore,
 * which the Runtime Interface Emulator does not, and times each invocation as the function sees it.
 *
 * <p>With {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}, AWS's Runtime Interface Client initialises the handler,
 * runs every CRaC {@code beforeCheckpoint} hook registered with it (org.crac reaches it through
 * {@code -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac}, as on Lambda), then asks the Runtime API for
 * {@code GET /2018-06-01/runtime/restore/next}: on Lambda that call returns in the restored copy of the snapshot, and
 * the client then runs the {@code afterRestore} hooks before its first {@code /invocation/next}. The emulator's
 * on-demand sandbox would wait on that call for a restore that never comes, so the function's Runtime API address
 * points here instead: this answers {@code /restore/next} at once (the "restore") and passes every other request to
 * the emulator's Runtime API unchanged. The JVM is not snapshotted: what a restore changes for the function is that
 * its hooks ran, in Lambda's order, before the first invocation.
 *
 * <p>It also notes when the runtime received each invocation (its {@code /invocation/next} answered) and when it
 * posted the result: the invocation alone, without the JVM's start and the handler's init (or the restore).
 */
final class RuntimeApiProxy implements AutoCloseable {
    static final String RESTORE_NEXT = "/2018-06-01/runtime/restore/next";
    static final String NEXT = "/2018-06-01/runtime/invocation/next";
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "keep-alive", "date");

    private final HttpServer server;
    private final ExecutorService threads;
    private final URI runtimeApi;
    private final boolean snapStart;
    private final AtomicInteger restores = new AtomicInteger();
    private volatile long deliveredNanos;
    private volatile long answeredNanos;
    private volatile long restoredNanos;
    /** The function JVM's loaded classes so far, when they can be read (see {@link ClassCounter}). */
    private volatile java.util.function.Supplier<java.util.OptionalLong> classes = java.util.OptionalLong::empty;
    private volatile long classesDelivered = -1;
    private volatile long classesAnswered = -1;

    private RuntimeApiProxy(HttpServer server, ExecutorService threads, URI runtimeApi, boolean snapStart) {
        this.server = server;
        this.threads = threads;
        this.runtimeApi = runtimeApi;
        this.snapStart = snapStart;
    }

    /**
     * A proxy on a free loopback port in front of the emulator's Runtime API at {@code host:port}; with
     * {@code snapStart} it answers the restore.
     */
    static RuntimeApiProxy start(String runtimeApi, boolean snapStart) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // The runtime's /invocation/next waits for the next invocation: one thread per open request.
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "snapstart-restore");
            t.setDaemon(true);
            return t;
        });
        RuntimeApiProxy proxy = new RuntimeApiProxy(server, threads, URI.create("http://" + runtimeApi), snapStart);
        server.setExecutor(threads);
        server.createContext("/", proxy::serve);
        server.start();
        return proxy;
    }

    /** The value of the function's {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Restores answered: 1 once the function's afterRestore hooks are about to run. */
    int restores() {
        return restores.get();
    }

    /**
     * The last invocation as the function ran it: from its runtime receiving the event to its posting the result
     * (System.nanoTime()s); negative when none finished.
     */
    long lastInvocationNanos() {
        long delivered = deliveredNanos;
        long answered = answeredNanos;
        return answered >= delivered && delivered != 0 ? answered - delivered : -1;
    }

    /** Where {@link #lastInvocationClasses} reads the function JVM's count of loaded classes. */
    void countClassesWith(java.util.function.Supplier<java.util.OptionalLong> counter) {
        this.classes = counter;
    }

    /**
     * Classes the function's JVM loaded during its last invocation: counted as the runtime is handed the event and
     * as it posts the result, while the runtime's thread waits on this proxy; -1 when they could not be counted.
     */
    long lastInvocationClasses() {
        long delivered = classesDelivered;
        long answered = classesAnswered;
        return delivered < 0 || answered < delivered ? -1 : answered - delivered;
    }

    /**
     * From the restore (this proxy answering {@code /restore/next}) to the last result posted: the afterRestore hooks
     * and the invocations since, what a restored SnapStart function pays besides loading its snapshot; -1 without a
     * restore.
     */
    long sinceRestoreNanos() {
        long restored = restoredNanos;
        long answered = answeredNanos;
        return restored == 0 || answered < restored ? -1 : answered - restored;
    }

    /** When the runtime last received an invocation (System.nanoTime()), 0 before the first. */
    long deliveredNanos() {
        return deliveredNanos;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (snapStart && path.equals(RESTORE_NEXT)) {
                exchange.getRequestBody().readAllBytes();
                restores.incrementAndGet();
                restoredNanos = System.nanoTime();
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            boolean result = "POST".equals(exchange.getRequestMethod())
                    && (path.endsWith("/response") || path.endsWith("/error")) && path.contains("/runtime/invocation/");
            if (result) {
                answeredNanos = System.nanoTime();
                classesAnswered = classes.get().orElse(-1);
            }
            // The count before the event is handed over: the function's runtime waits for this answer, loading nothing.
            forward(exchange, path.equals(NEXT) ? () -> classesDelivered = classes.get().orElse(-1) : () -> { });
            if (path.equals(NEXT)) deliveredNanos = System.nanoTime();
        }
    }

    private void forward(HttpExchange exchange, Runnable beforeAnswering) throws IOException {
        HttpURLConnection c = (HttpURLConnection) runtimeApi.resolve(exchange.getRequestURI().toString()).toURL().openConnection();
        c.setRequestMethod(exchange.getRequestMethod());
        c.setReadTimeout(0);
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            if (HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) continue;
            for (String v : h.getValue()) c.addRequestProperty(h.getKey(), v);
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (body.length > 0 || "POST".equals(exchange.getRequestMethod())) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        byte[] answer;
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
            if (h.getKey() == null || HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) continue;
            exchange.getResponseHeaders().put(h.getKey(), h.getValue());
        }
        beforeAnswering.run();
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) exchange.getResponseBody().write(answer);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
