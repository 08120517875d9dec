package org.appban.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;

/**
 * Delivers events to handlers as Lambda would: the same JSON envelope EventBridge wraps a detail in, through the
 * handler's stream entry point, with a local context.
 */
final class EventBus {
    /** Where the functions' log lines go during a rehearsal: {@code logs/functions.log} in its folder. */
    static volatile java.util.function.Consumer<String> log = line -> { };

    /** The request id of the invocation being (re)tried on this thread: a retry reuses it, as Lambda's does. */
    private static final ThreadLocal<Attempt> ATTEMPT = new ThreadLocal<>();

    private record Attempt(String base, java.util.concurrent.atomic.AtomicInteger invocations) {
    }

    private EventBus() {
    }

    /**
     * Runs one attempt of an invocation (or of a trigger that invokes several handlers): the handlers it invokes get
     * request ids made from {@code id} and their order, the same again when the platform retries the attempt.
     */
    static void attempt(String id, Runnable action) {
        Attempt previous = ATTEMPT.get();
        ATTEMPT.set(new Attempt(id, new java.util.concurrent.atomic.AtomicInteger()));
        try {
            action.run();
        } finally {
            ATTEMPT.set(previous);
        }
    }

    /** The id of the attempt running on this thread, if any: what the invocations made during it are retried under. */
    static java.util.Optional<String> attemptId() {
        Attempt a = ATTEMPT.get();
        return a == null ? java.util.Optional.empty() : java.util.Optional.of(a.base());
    }

    private static String requestId() {
        Attempt a = ATTEMPT.get();
        return a == null ? UUID.randomUUID().toString() : a.base() + "#" + a.invocations().incrementAndGet();
    }

    /**
     * The context of an invocation of {@code function}: its request id (the attempt's, see {@link #attempt}), log lines
     * to {@code log}, each marked with the function's name.
     */
    static org.appban.lambda.LocalContext context(String function, String caller, java.util.function.Consumer<String> log) {
        return org.appban.lambda.LocalContext.invocation(function).withRequestId(requestId())
                .withLog(line -> log.accept("[" + function + "] " + line));
    }

    static ObjectNode envelope(String source, String detailType, Instant time, JsonNode detail) {
        ObjectNode e = Json.object();
        e.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", detailType).put("source", source)
                .put("account", "000000000000").put("time", time.toString()).put("region", "ap-southeast-2");
        e.putArray("resources");
        e.set("detail", detail);
        return e;
    }

    static JsonNode invoke(JsonHandler handler, String function, JsonNode event) {
        return invoke(handler, function, event.toString(), null);
    }

    static JsonNode invoke(JsonHandler handler, String function, String event, String caller) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), bytes, context(function, caller, log));
            JsonNode out = Json.parse(bytes.toByteArray());
            if ("rejected".equals(out.path("status").asText())) {
                throw new IllegalStateException(function + " rejected the rehearsal's event: " + out.path("error").asText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
