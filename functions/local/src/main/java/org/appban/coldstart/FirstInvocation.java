package org.appban.coldstart;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.appban.lambda.LocalContext;
import org.appban.lambda.Priming;
import org.appban.wiring.Settings;

/**
 * Runs one handler the way a fresh Lambda container does, in a JVM of its own: builds it through its no-arg
 * constructor (the production wiring, configured by this process's environment, which the caller sets from
 * template.yaml), then invokes it with each event file in turn. Used by {@code ./appban bench coldstart} (one event,
 * timed) and by TemplateContractIT (every sample event of a function, recording what it reads and calls).
 *
 * <pre>java -cp appban-functions-lambda.jar org.appban.coldstart.FirstInvocation [--prime] --out FILE HANDLER_CLASS EVENT_FILE...</pre>
 *
 * <p>{@code --prime} runs the handler's SnapStart priming after construction, as a snapshot would, and times the
 * first invocation after it. The result goes to {@code --out} as one JSON object (written by hand: the baseline
 * handler must not pay for a JSON library it does not use). Standard output is the function's log.
 */
public final class FirstInvocation {
    /** System property holding the event file being handled ("construct" and "priming" before the first). */
    public static final String INVOCATION = "appban.invocation";
    /** System property the bench sets when it installed {@link CallTimer}: the result then lists the AWS calls timed. */
    public static final String TIMED_CALLS = "appban.timedCalls";
    /** System property set once the first invocation completed (CallTimer counts later calls as warm). */
    static final String FIRST_DONE = "appban.firstDone";
    private FirstInvocation() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        boolean prime = false;
        Path out = null;
        int i = 0;
        for (; i < args.length && args[i].startsWith("--"); i++) {
            switch (args[i]) {
                case "--prime" -> prime = true;
                // Once the client context's caller; nothing reads one now (a direct invocation proves nobody), so an
                // older command line that still passes it runs as before.
                case "--caller" -> i++;
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || args.length - i < 1) {
            System.err.println("usage: FirstInvocation [--prime] --out FILE HANDLER_CLASS EVENT_FILE...");
            System.exit(2);
        }
        String handlerClass = args[i++];
        List<Path> events = new ArrayList<>();
        for (; i < args.length; i++) events.add(Path.of(args[i]));

        StringBuilder json = new StringBuilder("{\"handler\":").append(quote(handlerClass));
        // With the AWS calls timed (bench coldstart --phases), the CPU and classes at each phase's end too: read through
        // java.management, whose classes this run then counts in the JVM's start (the bench's other runs never load it).
        Phases phases = Boolean.getBoolean(TIMED_CALLS) ? new Phases() : null;
        if (phases != null) phases.mark();
        long t0 = System.nanoTime();
        System.setProperty(INVOCATION, "construct");
        RequestStreamHandler handler;
        try {
            handler = (RequestStreamHandler) Class.forName(handlerClass).getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            json.append(",\"constructError\":").append(quote(stackTrace(cause)));
            finish(json, out, started);
            return;
        }
        long constructed = System.nanoTime();
        if (phases != null) phases.mark();
        json.append(",\"constructNanos\":").append(constructed - t0);
        if (prime) {
            System.setProperty(INVOCATION, "priming");
            try {
                List<String> warmed = Priming.runAll();
                if (phases != null) phases.mark();
                json.append(",\"primeNanos\":").append(System.nanoTime() - constructed).append(",\"primed\":").append(quoteAll(warmed));
                // What construction and priming loaded: the first invocation's own classes are those it adds (what a
                // restored snapshot's first invocation still loads).
                json.append(",\"classesPrimed\":").append(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
            } catch (RuntimeException | LinkageError e) {
                json.append(",\"primeError\":").append(quote(stackTrace(e)));
                finish(json, out, started);
                return;
            }
        }
        long firstDone = -1;
        long classesAtFirst = -1;
        json.append(",\"invocations\":[");
        for (int n = 0; n < events.size(); n++) {
            Path event = events.get(n);
            byte[] bytes = Files.readAllBytes(event);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            // Which event the function is on, for tools that watch it (the contract test's call recorder).
            System.setProperty(INVOCATION, event.toString());
            long s = System.nanoTime();
            String error = null;
            try {
                handler.handleRequest(new ByteArrayInputStream(bytes), response, LocalContext.invocation(handlerClass).withLog(System.out::print));
            } catch (Exception | LinkageError e) {
                error = stackTrace(e);
            }
            long nanos = System.nanoTime() - s;
            if (n > 0) json.append(',');
            json.append("{\"event\":").append(quote(event.toString())).append(",\"nanos\":").append(nanos)
                    .append(",\"response\":").append(quote(response.toString(StandardCharsets.UTF_8)));
            if (error != null) json.append(",\"error\":").append(quote(error));
            json.append('}');
            // The first completed invocation is what a cold start costs: say so at once for a timing caller.
            if (n == 0) {
                if (phases != null) phases.mark();
                System.out.println("appban-first-invocation-done");
                firstDone = System.nanoTime() - started;
                System.setProperty(FIRST_DONE, "true");
                // Counted here, not after the later events: what the first invocation needed (plus the few
                // management classes counting them loads).
                classesAtFirst = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
            }
        }
        json.append(']');
        // From main() to the first completed invocation: the rest of the bench's figure is the JVM starting.
        json.append(",\"firstDoneNanos\":").append(firstDone).append(",\"classesAtFirst\":").append(classesAtFirst);
        if (phases != null) json.append(",\"phaseCpuNanos\":").append(phases.cpu).append(",\"phaseClasses\":").append(phases.classes);
        finish(json, out, started);
    }

    private static void finish(StringBuilder json, Path out, long started) throws java.io.IOException {
        json.append(",\"untilDoneNanos\":").append(System.nanoTime() - started);
        // After the timings: the management classes this loads would otherwise count against the handler.
        json.append(",\"classesLoaded\":").append(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        if (Boolean.getBoolean(TIMED_CALLS)) json.append(",\"awsCalls\":").append(CallTimer.json());
        json.append(",\"settingsAsked\":").append(quoteAll(List.copyOf(Settings.namesAsked()))).append("}\n");
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.flush();
        // Handlers may leave non-daemon threads (HTTP keep-alive, executors); a container would be frozen instead.
        System.exit(0);
    }

    /**
     * The process's CPU time and loaded classes at each phase's end: main() reached (the JVM's start), the handler
     * constructed, primed (with --prime), the first invocation answered. JSON arrays, in that order.
     */
    private static final class Phases {
        final List<Long> cpu = new ArrayList<>();
        final List<Long> classes = new ArrayList<>();

        void mark() {
            cpu.add(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
            classes.add(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String quoteAll(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < values.size(); k++) b.append(k == 0 ? "" : ",").append(quote(values.get(k)));
        return b.append(']').toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
