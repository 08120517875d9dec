package org.appban.lambda;

import org.appban.json.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.input.InputProblem;
import org.appban.input.InvalidInputException;

/**
 * Base of every handler: reads the event as JSON (each function accepts its triggers' events and manual admin
 * requests on one entry point, so it tells them apart itself), and writes a structured report.
 *
 * <p>Input that is wrong is answered with a {@code rejected} report naming every problem rather than thrown:
 * retrying a malformed event cannot make it valid, and an administrator wants to read why. Failures of the
 * world (an AWS call that fails) are thrown, so that the platform retries them.
 */
public abstract class JsonHandler implements RequestStreamHandler {
    /** Largest event accepted; Lambda's own limit for synchronous payloads is 6 MB. */
    static final int MAX_EVENT_BYTES = 6 * 1024 * 1024;

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Object report;
        byte[] bytes = input.readNBytes(MAX_EVENT_BYTES + 1);
        if (bytes.length > MAX_EVENT_BYTES) {
            report = rejected(new InvalidInputException("event", "", "larger than " + MAX_EVENT_BYTES + " bytes"));
        } else {
            try {
                JsonNode event = Json.parse(bytes);
                if (event.isMissingNode()) throw new InvalidInputException("event", "", "empty event");
                report = handle(event, context);
            } catch (JsonProcessingException e) {
                report = rejected(new InvalidInputException("event", e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr(), Json.problem(e)));
            } catch (InvalidInputException e) {
                report = rejected(e);
            }
        }
        if (report instanceof Map<?, ?> m && "rejected".equals(m.get("status"))) report = naming(m, context);
        Json.write(report, output);
    }

    protected abstract Object handle(JsonNode event, Context context);

    /**
     * For SnapStart priming: reads {@code sampleEvent} and writes a report the way {@link #handleRequest} does,
     * without handling anything; returns the event for the handler's own parsing.
     */
    public static JsonNode warmUp(String sampleEvent) {
        try {
            JsonNode event = Json.parse(sampleEvent);
            Json.bytes(rejected(new InvalidInputException("priming", "", "priming")));
            return event;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A rejection with the function's name (Lambda's, which carries the template's logical id) after its status: an
     * administrator who sent an event to the wrong function reads which one refused it.
     */
    private static Map<Object, Object> naming(Map<?, ?> rejection, Context context) {
        Map<Object, Object> named = new LinkedHashMap<>();
        named.put("status", rejection.get("status"));
        if (context != null && context.getFunctionName() != null) named.put("function", context.getFunctionName());
        named.putAll(rejection);
        return named;
    }

    public static Map<String, Object> rejected(InvalidInputException e) {
        return e.rejected();
    }
}
