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
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.appban.json.Json;
import org.appban.lambda.LocalContext;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * One Lambda container of {@code ./appban bench scale}, in a JVM of its own with the function's environment (as
 * template.yaml gives it, on the emulator): the function's handler built with the production wiring from that
 * environment, on a clock the bench may move ({@link MovedClock}), invoked once per line of its standard input
 * ({@code {"requestId", "limitMillis", "clockOffsetMillis", "event"}}),
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
        MovedClock clock = new MovedClock();
        RequestStreamHandler handler = handler(Class.forName(args[1]), clock);
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
            clock.moveTo(Duration.ofMillis(ask.path("clockOffsetMillis").asLong()));
            long start = System.nanoTime();
            Clock real = Clock.systemUTC();
            LocalContext context = LocalContext.invocation(function).withRequestId(ask.path("requestId").asText())
                    .withDeadline(real.instant().plusMillis(limit), real).withLog(System.err::print);
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
            steps(text, result);
            synchronized (protocol) {
                put(result, ScaleMeter.takeAndReset());
                protocol.println("scale-result " + Json.write(result));
            }
        }
        System.exit(0);
    }

    /**
     * The handler as its no-argument constructor builds it (the production wiring from the environment), but on the
     * bench's clock: through the constructor each handler has that takes the composition root. That constructor is
     * private (Lambda needs only the no-argument one), so it is opened here; a handler without one fails the bench
     * here, by name, rather than running on the wrong clock.
     */
    static RequestStreamHandler handler(Class<?> type, Clock clock) throws ReflectiveOperationException {
        Constructor<?> withRoot;
        try {
            withRoot = type.getDeclaredConstructor(Production.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type.getName() + " has no constructor taking the composition root (Production): the bench"
                    + " cannot give it its clock", e);
        }
        withRoot.setAccessible(true);
        return (RequestStreamHandler) withRoot.newInstance(new Production(Settings.fromEnvironment(), clock));
    }

    /**
     * The functions' clock: the system clock moved by the offset the bench sends with each invocation, so that the
     * bench can run a round an hour later (as it moves the simulators' clock) without waiting an hour. It only moves
     * forward between invocations, as the bench's own clock does.
     */
    static final class MovedClock extends Clock {
        /** Shared by every zone's view of this clock, so that all of them move together. */
        private final AtomicReference<Duration> offset;
        private final ZoneId zone;

        MovedClock() {
            this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
        }

        private MovedClock(AtomicReference<Duration> offset, ZoneId zone) {
            this.offset = offset;
            this.zone = zone;
        }

        void moveTo(Duration by) {
            offset.set(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new MovedClock(offset, other);
        }
    }

    /**
     * From a queue batch's whole answer (before it is cut to 4 kB: an act step's report lists its actions), what the
     * bench needs: the batch item failures the event source mapping gives back, and per step its status, phase and
     * how many items it did ({@code devices}, {@code members} or {@code exemptions}), to say how much a step does
     * before handing on.
     */
    static void steps(String answer, ObjectNode result) {
        JsonNode parsed;
        try {
            parsed = Json.parse(answer.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException | RuntimeException notJson) {
            return;
        }
        if (parsed.has("batchItemFailures")) result.set("batchItemFailures", parsed.get("batchItemFailures"));
        if (!parsed.path("steps").isArray()) return;
        var steps = result.putArray("steps");
        for (JsonNode step : parsed.path("steps")) {
            ObjectNode s = steps.addObject().put("status", step.path("status").asText()).put("phase", step.path("phase").asText(""));
            for (String items : new String[]{"devices", "members", "exemptions"}) {
                if (step.path(items).isNumber()) {
                    s.put("items", step.path(items).asLong());
                    break;
                }
            }
        }
    }

    private static void put(ObjectNode into, ScaleMeter.Counts counts) {
        ObjectNode requests = into.putObject("requests");
        counts.requests().forEach(requests::put);
        into.put("readUnits", counts.readUnits()).put("writeUnits", counts.writeUnits()).put("events", counts.events())
                .put("mailDuplicates", counts.mailDuplicates());
    }
}
