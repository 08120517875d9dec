package org.appban.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.appban.json.Json;
import org.appban.lambda.LocalContext;

/**
 * One Lambda container of {@code ./appban bench scale}, in a JVM of its own with the function's environment (as
 * template.yaml gives it, on the emulator): the function's handler built through its no-argument constructor (the
 * production wiring), invoked once per line of its standard input ({@code {"requestId", "limitMillis", "event"}}),
 * with a Context whose remaining time runs down from {@code limitMillis} as Lambda's does
 * ({@link LocalContext#withDeadline}). Each invocation answers
 * one line on its standard output, {@code scale-result {...}}: whether it returned or threw (and what), its
 * duration, whether it overran its limit, its answer (cut at 4 kB), and what {@link ScaleMeter} counted during it
 * that a {@code scale-counts {...}} line (printed each second while the handler runs) has not already reported: the
 * bench stops a container whose invocation overruns its limit, as Lambda does, and keeps what was counted until then.
 * The handler's own output and log go to standard error.
 */
public final class ScaleContainer {
    private ScaleContainer() {
    }

    public static void main(String[] args) throws Exception {
        String function = args[0];
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[1]).getConstructor().newInstance();
        ScaleMeter.takeAndReset(); // construction's calls (SnapStart's init) are not an invocation's
        protocol.println("scale-ready");
        Thread reporter = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (protocol) {
                    ObjectNode counts = Json.object();
                    put(counts, ScaleMeter.takeAndReset());
                    protocol.println("scale-counts " + Json.write(counts));
                }
            }
        }, "scale-counts");
        reporter.setDaemon(true);
        reporter.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            JsonNode ask = Json.parse(line.getBytes(StandardCharsets.UTF_8));
            long limit = ask.path("limitMillis").asLong();
            long start = System.nanoTime();
            Clock clock = Clock.systemUTC();
            LocalContext context = LocalContext.invocation(function).withRequestId(ask.path("requestId").asText())
                    .withDeadline(clock.instant().plusMillis(limit), clock).withLog(System.err::print);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ObjectNode result = Json.object();
            try {
                handler.handleRequest(new ByteArrayInputStream(ask.path("event").asText().getBytes(StandardCharsets.UTF_8)), answer,
                        context);
                result.put("ok", true);
            } catch (Throwable e) {
                result.put("ok", false).put("error", e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()));
                e.printStackTrace();
            }
            long millis = Math.max(1, (System.nanoTime() - start + 999_999) / 1_000_000);
            String text = answer.toString(StandardCharsets.UTF_8);
            result.put("millis", millis).put("timedOut", millis > limit).put("answer", text.length() > 4096 ? text.substring(0, 4096) : text);
            synchronized (protocol) {
                put(result, ScaleMeter.takeAndReset());
                protocol.println("scale-result " + Json.write(result));
            }
        }
        System.exit(0);
    }

    private static void put(ObjectNode into, ScaleMeter.Counts counts) {
        ObjectNode requests = into.putObject("requests");
        counts.requests().forEach(requests::put);
        into.put("readUnits", counts.readUnits()).put("writeUnits", counts.writeUnits()).put("events", counts.events())
                .put("mailDuplicates", counts.mailDuplicates());
    }
}
